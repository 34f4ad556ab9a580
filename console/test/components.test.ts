// Shared components rendered to HTML (react-dom/server): the table's header scopes and number cells,
// the query states, and a form field whose message is tied to its control — what the pages rely on
// for screen readers and for one look across pages.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable, QueryView } from '../src/components/data-table';
import { Field } from '../src/components/field';
import { PriceLinesEditor } from '../src/components/price-lines-editor';
import { newLine } from '../src/lib/price-lines';

describe('DataTable', () => {
  it('renders scoped headers, aligned figures and leaves out hidden columns', () => {
    const html = renderToStaticMarkup(
      h(DataTable<{ id: string; n: number }>, {
        rows: [
          { id: 'a', n: 1 },
          { id: 'b', n: 2 },
        ],
        rowKey: (r) => r.id,
        caption: 'Things',
        captionHidden: true,
        columns: [
          { key: 'id', header: 'Id', cell: (r) => r.id },
          false,
          { key: 'n', header: 'Count', num: true, cell: (r) => r.n * 10 },
        ],
      }),
    );
    expect(html).toContain('<caption class="sr-only">Things</caption>');
    expect(html).toContain('<th scope="col">Id</th><th scope="col" class="num">Count</th>');
    expect(html).toContain('<tr><td>b</td><td class="num">20</td></tr>');
    expect(html.match(/<th /g)).toHaveLength(2);
  });

  it('puts a total row under the data, in the footer', () => {
    const html = renderToStaticMarkup(
      h(DataTable<{ id: string }>, {
        rows: [{ id: 'a' }],
        rowKey: (r) => r.id,
        columns: [{ key: 'id', header: 'Id', cell: (r) => r.id }],
        footer: h('tr', null, h('th', { scope: 'row' }, 'Total')),
      }),
    );
    expect(html).toContain('</tbody><tfoot><tr><th scope="row">Total</th></tr></tfoot></table>');
  });
});

describe('QueryView', () => {
  const view = (result: Parameters<typeof QueryView<string[]>>[0]['result']) =>
    renderToStaticMarkup(
      h(QueryView<string[]>, {
        result,
        loading: 'Loading things',
        isEmpty: (d) => d.length === 0,
        empty: 'Nothing yet.',
        children: (d) => d.join('+'),
      }),
    );

  it('shows loading, empty, data, and keeps stale data over an error', () => {
    expect(view({})).toContain('Loading things…');
    expect(view({ data: [] })).toContain('Nothing yet.');
    expect(view({ data: ['a', 'b'] })).toBe('a+b');
    const error = { message: 'x', graphQLErrors: [{ message: 'denied' }] } as never;
    expect(view({ error })).toContain('role="alert"');
    expect(view({ error })).toContain('denied');
    expect(view({ data: ['a'], error })).toBe('a');
  });
});

describe('Field', () => {
  it('ties the label, hint and message to the control and marks it invalid', () => {
    const html = renderToStaticMarkup(
      h(Field, { label: 'Price', hint: 'In cents', error: 'is required', children: (a) => h('input', a) }),
    );
    const id = /<label for="([^"]+)">Price<\/label>/.exec(html)?.[1];
    expect(id).toBeTruthy();
    expect(html).toContain(`id="${id}" aria-invalid="true" aria-describedby="${id}-hint ${id}-error"`);
    expect(html).toContain(`<span id="${id}-error" class="field-error">is required</span>`);
    const clean = renderToStaticMarkup(h(Field, { label: 'Price', children: (a) => h('input', a) }));
    expect(clean).not.toContain('aria-invalid');
    expect(clean).not.toContain('aria-describedby');
  });
});

describe('PriceLinesEditor', () => {
  it('shows a message beside the tier bound it belongs to', () => {
    const line = {
      ...newLine(),
      pricing: 'tiers' as const,
      tiers: [
        { upTo: '100', unitPriceMinor: '5' },
        { upTo: '', unitPriceMinor: '4' },
      ],
    };
    const html = renderToStaticMarkup(
      h(PriceLinesEditor, {
        lines: [line],
        onChange: () => {},
        currency: 'EUR',
        errors: {
          'input.priceLines[0].tiers[0].upTo': 'tier bounds must be positive and strictly increasing',
        },
      }),
    );
    const field =
      /<label for="[^"]+">Band 1 up to<\/label><input[^>]*aria-invalid="true"[^>]*>.*?<\/div>/.exec(
        html,
      )?.[0];
    expect(field).toContain('tier bounds must be positive and strictly increasing');
    expect(html).toContain('minor units of EUR');
    expect(html).toContain('value="and above"');
  });
});

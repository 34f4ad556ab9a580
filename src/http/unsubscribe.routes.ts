// The unsubscribe link of every mail (no sign-in: the signed token is the authority):
//   GET  /notifications/v1/unsubscribe?token=...   a page naming what would stop, with a confirm button
//   POST /notifications/v1/unsubscribe?token=...   stops it (the button, and RFC 8058 one-click from mail
//                                                  clients, which POST "List-Unsubscribe=One-Click")
// GET only shows: mail scanners and link previews fetch links, and must not unsubscribe anybody. The
// suppression is written as the token's reseller (row-level security applies).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { withTenantTransaction } from '../db/tenant';
import type { AppServices } from '../services/app-services';
import {
  UNSUBSCRIBE_PATH,
  type UnsubscribeClaim,
  suppressAddress,
  verifyUnsubscribeToken,
} from '../services/email';
import { escapeHtml } from '../services/email-templates';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';

/** What a scope stops, in words, or null when what it named is gone. */
async function describeScope(tx: EntityManager, claim: UnsubscribeClaim): Promise<string | null> {
  const [reseller] = await tx.execute<{ name: string }[]>(`select name from reseller where id = ?`, [
    claim.r,
  ]);
  if (!reseller) return null;
  const [kind, id] = claim.s.split(':', 2) as [string, string | undefined];
  if (kind === 'all') return `all notifications from ${reseller.name}`;
  if (kind === 'rule' && id) {
    const [rule] = await tx.execute<{ name: string }[]>(`select name from notification_rule where id = ?`, [
      id,
    ]);
    return rule ? `alert notifications "${rule.name}" from ${reseller.name}` : null;
  }
  if (kind === 'report' && id) {
    const [report] = await tx.execute<{ customer: string; frequency: string }[]>(
      `select c.name as customer, s.frequency from report_schedule s join customer c on c.id = s.customer_id where s.id = ?`,
      [id],
    );
    return report
      ? `the ${report.frequency.toLowerCase()} usage report for ${report.customer} from ${reseller.name}`
      : null;
  }
  return null;
}

function page(reply: FastifyReply, status: number, title: string, bodyHtml: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:Arial,Helvetica,sans-serif;max-width:560px;margin:48px auto;padding:0 16px;color:#1d2330">` +
        `<h1 style="font-size:22px">${escapeHtml(title)}</h1>${bodyHtml}</body></html>`,
    );
}

const INVALID =
  'This unsubscribe link is not valid. Copy the whole link from the mail, or ask your administrator.';

export function registerUnsubscribeRoutes(http: FastifyInstance, services: AppServices): void {
  // Own scope: the form body parser must not leak to other routes.
  void http.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'],
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, body),
    );

    /** Verifies the link and, in the token's tenant transaction, runs `act`; replies itself on failure. */
    const withClaim = async (
      token: string | undefined,
      reply: FastifyReply,
      suppress: boolean,
      render: (claim: UnsubscribeClaim, what: string) => FastifyReply,
    ) => {
      const claim = verifyUnsubscribeToken(services, String(token ?? ''));
      if (!claim) return page(reply, 400, 'Invalid link', `<p>${escapeHtml(INVALID)}</p>`);
      const what = await withTenantTransaction(services.orm.em, tenantOf(claim), async (tx) => {
        const described = await describeScope(tx, claim);
        if (described && suppress) await suppressAddress(tx, claim);
        return described;
      });
      if (!what)
        return page(
          reply,
          404,
          'Nothing to unsubscribe from',
          '<p>What this link was for no longer exists.</p>',
        );
      return render(claim, what);
    };

    scope.get<{ Querystring: { token?: string } }>(UNSUBSCRIBE_PATH, (request, reply) =>
      withClaim(request.query.token, reply, false, (claim, what) => {
        const action = `${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(String(request.query.token))}`;
        return page(
          reply,
          200,
          'Unsubscribe',
          `<p>Stop sending ${escapeHtml(what)} to <strong>${escapeHtml(claim.e)}</strong>?</p>` +
            `<form method="post" action="${escapeHtml(action)}"><button type="submit" style="font-size:16px;padding:8px 16px">Unsubscribe</button></form>`,
        );
      }),
    );

    scope.post<{ Querystring: { token?: string } }>(UNSUBSCRIBE_PATH, (request, reply) =>
      withClaim(request.query.token, reply, true, (claim, what) =>
        page(
          reply,
          200,
          'Unsubscribed',
          `<p><strong>${escapeHtml(claim.e)}</strong> will no longer receive ${escapeHtml(what)}.</p>` +
            '<p>An administrator of your organisation can subscribe you again.</p>',
        ),
      ),
    );
  });
}

/** The link acts for its reseller and nothing more (a viewer's rights; it writes one suppression). */
function tenantOf(claim: UnsubscribeClaim): Principal {
  return { actor: 'unsubscribe-link', role: 'viewer', resellerId: claim.r };
}

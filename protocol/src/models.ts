// Which printers Plotmeter looks after. Collectors see every IPP/SNMP device on a LAN (office
// printers, scanners, other brands); only HP large-format models are reported.
//
// Rule: a make-and-model string is supported when
//   1. it names HP — the word "HP" or "Hewlett" (as in Hewlett-Packard) appears as a word — or it
//      starts with "DesignJet" or "PageWide" (some firmware omits the make), and
//   2. it contains one of the configured model families (e.g. "DesignJet", "PageWide XL"),
// both case-insensitively, with runs of spaces, hyphens and underscores treated as one space.
// "HP PageWide Pro 477dw" fails rule 2 with the default list because the family is "PageWide XL".

function normalize(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

export const DEFAULT_SUPPORTED_MODELS: readonly string[] = ['DesignJet', 'PageWide XL'];

export function isSupportedModel(makeAndModel: string, supportedModels: readonly string[]): boolean {
  const name = normalize(makeAndModel);
  if (name === '') return false;
  const padded = ` ${name} `;
  const namesHp =
    padded.includes(' hp ') ||
    padded.includes(' hewlett ') ||
    name.startsWith('designjet') ||
    name.startsWith('pagewide');
  if (!namesHp) return false;
  return supportedModels.some((family) => {
    const wanted = normalize(family);
    return wanted !== '' && name.includes(wanted);
  });
}

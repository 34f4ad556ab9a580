// What the simulated fleet is made of: printer models (DesignJet T- and Z-series, PageWide XL, MFPs
// that scan and copy) with their ink cartridges and printheads, media types, and the people, projects
// and applications that print. Product numbers and capacities are modelled on HP's published
// supplies lists; they are realistic, not authoritative.

export interface InkSpec {
  color: string;
  productNumber: string;
  productName: string;
  capacityMl: number;
}

export interface PrintheadSpec {
  colors: string[];
  productNumber: string;
  productName: string;
}

export interface ModelSpec {
  /** Short key used in options and logs. */
  key: string;
  productNumber: string;
  /** As the printer names itself (PIWS ModelName, LEDM MakeAndModel, IPP printer-make-and-model). */
  productName: string;
  family: 'designjet-t' | 'designjet-z' | 'pagewide-xl' | 'designjet-xl';
  /** Scanner built in: the printer also runs scan and copy jobs. */
  mfp: boolean;
  maxWidthMm: number;
  rolls: number;
  inks: InkSpec[];
  printheads: PrintheadSpec[];
  firmwarePrefix: string;
  /** Average jobs per hour while the office is busy. */
  jobsPerHour: number;
  /** Ink laid down per printed m² at full coverage, by colour group. */
  inkMlPerM2: number;
}

const ink = (color: string, productNumber: string, series: string, capacityMl: number): InkSpec => ({
  color,
  productNumber,
  productName: `HP ${series} ${capacityMl}-ml ${color.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => `${sep ? ' ' : ''}${c.toUpperCase()}`)} DesignJet Ink Cartridge`,
  capacityMl,
});

const HP730 = (ml: number) => [
  ink('cyan', 'P2V68A', '730', ml),
  ink('magenta', 'P2V69A', '730', ml),
  ink('yellow', 'P2V70A', '730', ml),
  ink('matte-black', 'P2V71A', '730', ml),
  ink('gray', 'P2V72A', '730', ml),
  ink('photo-black', 'P2V73A', '730', ml),
];

const HP712 = [
  ink('cyan', '3ED67A', '712', 29),
  ink('magenta', '3ED68A', '712', 29),
  ink('yellow', '3ED69A', '712', 29),
  ink('black', '3ED71A', '712', 80),
];

const HP746 = [
  ink('chromatic-red', 'P2V81A', '746', 300),
  ink('magenta', 'P2V78A', '746', 300),
  ink('yellow', 'P2V79A', '746', 300),
  ink('cyan', 'P2V80A', '746', 300),
  ink('photo-black', 'P2V82A', '746', 300),
  ink('matte-black', 'P2V83A', '746', 300),
  ink('gray', 'P2V86A', '746', 300),
  ink('light-gray', 'P2V84A', '746', 300),
];

const HP843C = [
  ink('black', 'C1Q65A', '843C', 400),
  ink('cyan', 'C1Q66A', '843C', 400),
  ink('magenta', 'C1Q67A', '843C', 400),
  ink('yellow', 'C1Q68A', '843C', 400),
];

export const MODELS: readonly ModelSpec[] = [
  {
    key: 't1700dr',
    productNumber: '1VD88A',
    productName: 'HP DesignJet T1700dr 44-in PostScript Printer',
    family: 'designjet-t',
    mfp: false,
    maxWidthMm: 1118,
    rolls: 2,
    inks: HP730(300),
    printheads: [
      { colors: ['cyan', 'matte-black'], productNumber: 'F9J81A', productName: 'HP 729 DesignJet Printhead' },
      { colors: ['magenta', 'yellow'], productNumber: 'F9J81A', productName: 'HP 729 DesignJet Printhead' },
      { colors: ['gray', 'photo-black'], productNumber: 'F9J81A', productName: 'HP 729 DesignJet Printhead' },
    ],
    firmwarePrefix: 'TWOPRT',
    jobsPerHour: 6,
    inkMlPerM2: 7,
  },
  {
    key: 't830',
    productNumber: 'F9A30A',
    productName: 'HP DesignJet T830 36-in Multifunction Printer',
    family: 'designjet-t',
    mfp: true,
    maxWidthMm: 914,
    rolls: 1,
    inks: HP712,
    printheads: [
      {
        colors: ['black', 'cyan', 'magenta', 'yellow'],
        productNumber: '3ED58A',
        productName: 'HP 713 DesignJet Printhead Replacement Kit',
      },
    ],
    firmwarePrefix: 'AXP2CN',
    jobsPerHour: 4,
    inkMlPerM2: 5,
  },
  {
    key: 't650',
    productNumber: '5HB10A',
    productName: 'HP DesignJet T650 36-in Printer',
    family: 'designjet-t',
    mfp: false,
    maxWidthMm: 914,
    rolls: 1,
    inks: HP712,
    printheads: [
      {
        colors: ['black', 'cyan', 'magenta', 'yellow'],
        productNumber: '3ED58A',
        productName: 'HP 713 DesignJet Printhead Replacement Kit',
      },
    ],
    firmwarePrefix: 'BSP2CN',
    jobsPerHour: 3,
    inkMlPerM2: 5,
  },
  {
    key: 'z9plus',
    productNumber: 'W3Z72A',
    productName: 'HP DesignJet Z9+ 44-in PostScript Printer',
    family: 'designjet-z',
    mfp: false,
    maxWidthMm: 1118,
    rolls: 2,
    inks: HP746,
    printheads: [
      {
        colors: ['chromatic-red', 'magenta'],
        productNumber: 'P2V25A',
        productName: 'HP 746 DesignJet Printhead',
      },
      { colors: ['yellow', 'cyan'], productNumber: 'P2V25A', productName: 'HP 746 DesignJet Printhead' },
      {
        colors: ['photo-black', 'matte-black'],
        productNumber: 'P2V25A',
        productName: 'HP 746 DesignJet Printhead',
      },
      { colors: ['gray', 'light-gray'], productNumber: 'P2V25A', productName: 'HP 746 DesignJet Printhead' },
    ],
    firmwarePrefix: 'ZBPRT',
    jobsPerHour: 2,
    inkMlPerM2: 14,
  },
  {
    key: 'pwxl5200',
    productNumber: '4VW15A',
    productName: 'HP PageWide XL 5200 Multifunction Printer',
    family: 'pagewide-xl',
    mfp: true,
    maxWidthMm: 1016,
    rolls: 4,
    inks: HP843C,
    printheads: Array.from({ length: 4 }, () => ({
      colors: ['black', 'cyan', 'magenta', 'yellow'],
      productNumber: 'F9J52A',
      productName: 'HP 841 PageWide XL Printhead',
    })),
    firmwarePrefix: 'PWXL',
    jobsPerHour: 14,
    inkMlPerM2: 4,
  },
  {
    key: 'xl3600',
    productNumber: '6KD25A',
    productName: 'HP DesignJet XL 3600 36-in Multifunction Printer',
    family: 'designjet-xl',
    mfp: true,
    maxWidthMm: 914,
    rolls: 2,
    inks: HP730(300).slice(0, 4),
    printheads: [
      { colors: ['cyan', 'matte-black'], productNumber: 'F9J81A', productName: 'HP 729 DesignJet Printhead' },
      { colors: ['magenta', 'yellow'], productNumber: 'F9J81A', productName: 'HP 729 DesignJet Printhead' },
    ],
    firmwarePrefix: 'XLMFP',
    jobsPerHour: 8,
    inkMlPerM2: 6,
  },
];

export function modelByKey(key: string): ModelSpec {
  const model = MODELS.find((m) => m.key === key || m.productNumber === key);
  if (!model)
    throw new RangeError(`unknown printer model "${key}"; known: ${MODELS.map((m) => m.key).join(', ')}`);
  return model;
}

export interface MediaTypeSpec {
  id: string;
  names: Record<string, string>;
  /** Relative share of jobs printed on it. */
  weight: number;
  category: 'lines' | 'mixed' | 'image';
}

export const MEDIA_TYPES: readonly MediaTypeSpec[] = [
  {
    id: 'plain-paper',
    names: { en: 'Plain Paper', de: 'Normalpapier', fr: 'Papier ordinaire' },
    weight: 6,
    category: 'lines',
  },
  {
    id: 'bond-paper',
    names: { en: 'Bond and Coated Paper', de: 'Bond- und gestrichenes Papier' },
    weight: 4,
    category: 'lines',
  },
  {
    id: 'coated-paper',
    names: { en: 'Coated Paper', de: 'Gestrichenes Papier', fr: 'Papier couché' },
    weight: 3,
    category: 'mixed',
  },
  {
    id: 'heavyweight-coated',
    names: { en: 'Heavyweight Coated Paper', de: 'Schweres gestrichenes Papier' },
    weight: 2,
    category: 'mixed',
  },
  {
    id: 'photo-gloss',
    names: { en: 'Photo Gloss Paper', de: 'Glänzendes Fotopapier' },
    weight: 1,
    category: 'image',
  },
  {
    id: 'polypropylene',
    names: { en: 'Polypropylene Film', de: 'Polypropylenfolie' },
    weight: 1,
    category: 'image',
  },
  {
    id: 'tracing-paper',
    names: { en: 'Natural Tracing Paper', de: 'Transparentpapier' },
    weight: 1,
    category: 'lines',
  },
];

/** Standard roll widths (mm): 24, 36, 42 and 44 inches. */
export const ROLL_WIDTHS_MM = [610, 914, 1067, 1118] as const;

export const USERS = [
  'anna.keller',
  'bernd.maier',
  'chloe.dubois',
  'dario.rossi',
  'eva.novak',
  'farid.haddad',
  'greta.lind',
  'hugo.silva',
  'ines.moreau',
  'jonas.berg',
] as const;

export const APPLICATIONS = [
  'AutoCAD',
  'Revit',
  'ArcGIS Pro',
  'Adobe Acrobat',
  'Adobe Photoshop',
  'HP Click',
  'MicroStation',
  'SketchUp',
] as const;

export const PROJECTS = [
  'PRJ-2025-014',
  'PRJ-2025-027',
  'PRJ-2026-003',
  'PRJ-2026-011',
  'HOSPITAL-WING-B',
  'METRO-L4',
] as const;

export const ACCOUNTS = ['ACC-1001', 'ACC-1002', 'ACC-2040', 'ACC-3300', 'MARKETING', 'FACILITIES'] as const;

/** Job name patterns per ink coverage category; `{n}` becomes a revision, `{p}` a project. */
export const JOB_NAMES: Record<MediaTypeSpec['category'], readonly string[]> = {
  lines: [
    'A0_floor_plan_level{n}.dwg',
    'Elevation_North_rev{n}.pdf',
    'Site_plan_{p}.pdf',
    'HVAC_layout_L{n}.dwf',
    'Structural_grid_rev{n}.pdf',
    'Electrical_schematic_{p}.dwg',
  ],
  mixed: [
    'Site_render_v{n}.pdf',
    'Flood_risk_map_{p}.tif',
    'Zoning_overview_rev{n}.pdf',
    'Landscape_concept_v{n}.pdf',
    'Pitch_board_{p}.pdf',
  ],
  image: [
    'Poster_open_day_v{n}.tif',
    'Exhibition_banner_{p}.pdf',
    'Photo_wall_{n}.jpg',
    'Retail_window_graphic_v{n}.pdf',
  ],
};

export const SCAN_NAMES = ['Scan_as-built_{p}.pdf', 'Scan_markup_rev{n}.tif', 'Copy_{p}_sheet{n}'] as const;

/** Third-party refill brands that show up as non-OEM cartridges. */
export const NON_OEM_BRANDS = ['InkTec', 'Refill Pro', 'ColorJet'] as const;

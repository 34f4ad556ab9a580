// Secret handling: device secrets are encrypted at rest with AES-256-GCM (verification needs the secret
// itself), API keys and one-time tokens are stored as SHA-256 digests (they are random, high-entropy
// strings, so a slow hash buys nothing), and short-lived access tokens are HMAC-signed.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const ENCRYPTION_VERSION = 'v1';

export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly signingKey: Buffer;

  constructor(masterSecret: string) {
    // Separate sub-keys per purpose, so a token-signing oracle can never help decrypt device secrets.
    const ikm = Buffer.from(masterSecret, 'utf8');
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', ikm, Buffer.alloc(0), 'plotmeter/secret-encryption', 32),
    );
    this.signingKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'plotmeter/token-signing', 32));
  }

  /** "v1.<iv>.<tag>.<ciphertext>" in base64url; the associated data binds it to its purpose (e.g. keyId). */
  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [ENCRYPTION_VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== ENCRYPTION_VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('sealed secret has an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Signs a JSON payload as "<payload>.<mac>" (both base64url); see verifyToken. */
  signToken(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verifyToken<T>(token: string): T | null {
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.signingKey).update(body).digest('base64url');
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

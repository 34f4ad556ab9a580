// Printer page → credential of a direct-connect printer (admins): rotate it (the new secret is shown
// once, to be entered in the printer; the previous one keeps working for 24 hours) or revoke every
// credential at once (ingest refuses the printer until it gets a new one).
import { useMutation } from 'urql';
import { FormErrors } from '../components/field';
import { errorMessage, SecretOnce } from '../components/states';
import { graphql } from '../gql';
import { formatDateTime } from '../lib/format';
import { locale } from '../lib/use-session';

const RotateMutation = graphql(`
  mutation RotatePrinterCredential($printerId: ID!) {
    rotatePrinterCredential(printerId: $printerId) {
      keyId
      secret
      previousValidUntil
    }
  }
`);

const RevokeMutation = graphql(`
  mutation RevokePrinterCredential($printerId: ID!) {
    revokePrinterCredential(printerId: $printerId)
  }
`);

export function PrinterCredential({ printerId, serialNumber }: { printerId: string; serialNumber: string }) {
  const [rotating, rotate] = useMutation(RotateMutation);
  const [revoking, revoke] = useMutation(RevokeMutation);
  const issued = rotating.data?.rotatePrinterCredential;
  const revoked = revoking.data?.revokePrinterCredential;
  const busy = rotating.fetching || revoking.fetching;
  return (
    <div className="stack">
      <h3>Credential</h3>
      <p className="muted small">
        The printer signs its reports with it. Rotate it when it may have leaked or the printer is serviced;
        revoke it when the printer leaves.
      </p>
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void rotate({ printerId })}
        >
          Rotate credential
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            if (
              window.confirm(`Revoke every credential of ${serialNumber}? Its reports are refused at once.`)
            )
              void revoke({ printerId });
          }}
        >
          Revoke credentials
        </button>
      </div>
      <FormErrors
        messages={[
          rotating.error && errorMessage(rotating.error),
          revoking.error && errorMessage(revoking.error),
        ]}
      />
      {issued && !rotating.error && (
        <>
          <SecretOnce label={`New secret for ${serialNumber} (key ${issued.keyId})`} value={issued.secret} />
          {issued.previousValidUntil && (
            <p className="muted small">
              The previous secret keeps working until {formatDateTime(locale, issued.previousValidUntil)}.
            </p>
          )}
        </>
      )}
      {revoked && !revoking.error && (
        <p role="status" className="success">
          Revoked {revoked.length} credential{revoked.length === 1 ? '' : 's'}: the printer's reports are
          refused until it is given a new one (rotate).
        </p>
      )}
    </div>
  );
}

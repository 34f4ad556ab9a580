import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useMutation } from 'urql';
import { errorMessage } from '../components/states';
import { graphql } from '../gql';
import { homeFor } from '../lib/roles';
import { startSession, type SessionUser } from '../lib/session';
import { useSession } from '../lib/use-session';

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...TokenPair
    }
  }
`);

/** Only same-origin paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export default function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [result, login] = useMutation(LoginMutation);

  if (session) return <Navigate to={safeNext(params.get('next')) ?? homeFor(session.user.role)} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await login({ email: email.trim(), password });
    if (data?.login) {
      startSession({ ...data.login, user: data.login.user as SessionUser });
      navigate(safeNext(params.get('next')) ?? homeFor(data.login.user.role), { replace: true });
    }
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand">
          <img src="/favicon.svg" alt="" width="32" height="32" /> Plotmeter
        </div>
        <h1 id="login-title">Sign in to the console</h1>
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {result.error && (
          <p className="form-error" role="alert">
            {errorMessage(result.error)}
          </p>
        )}
        <button type="submit" disabled={result.fetching}>
          {result.fetching ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

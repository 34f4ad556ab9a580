// Routes, the sign-in gate and the role-aware shell. Every page is its own chunk (React.lazy), so the
// first load carries only the shell and the page opened.
import { lazy, Suspense, useMemo, type ReactNode } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { Provider, useMutation } from 'urql';
import { Loading } from './components/states';
import { graphql } from './gql';
import { createApiClient } from './lib/client';
import { canSee, homeFor, ROLE_LABEL, SECTION_LABEL, sectionsFor, type Section } from './lib/roles';
import { endSession, getSession } from './lib/session';
import { useSession } from './lib/use-session';

const LoginPage = lazy(() => import('./pages/login.page'));
const FleetPage = lazy(() => import('./pages/fleet.page'));
const PrinterPage = lazy(() => import('./pages/printer.page'));
const AlertsPage = lazy(() => import('./pages/alerts.page'));
const CustomersPage = lazy(() => import('./pages/customers.page'));
const CustomerPage = lazy(() => import('./pages/customer.page'));
const BillingPage = lazy(() => import('./pages/billing.page'));
const StatementPage = lazy(() => import('./pages/statement.page'));
const AdminPage = lazy(() => import('./pages/admin.page'));
const PlatformPage = lazy(() => import('./pages/platform.page'));

const LogoutMutation = graphql(`
  mutation Logout($refreshToken: String!) {
    logout(refreshToken: $refreshToken)
  }
`);

export function App() {
  const client = useMemo(createApiClient, []);
  return (
    <Provider value={client}>
      <BrowserRouter>
        <Suspense fallback={<Loading label="Loading the console" />}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="*" element={<SignedIn />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Provider>
  );
}

function Guard({ section, children }: { section: Section; children: ReactNode }) {
  const session = useSession();
  if (!canSee(session?.user.role, section)) {
    return (
      <div className="page">
        <h1>Not available</h1>
        <p role="alert">
          Your role ({session ? ROLE_LABEL[session.user.role] : 'none'}) cannot open this page.
        </p>
      </div>
    );
  }
  return <>{children}</>;
}

function SignedIn() {
  const session = useSession();
  const location = useLocation();
  const [, logout] = useMutation(LogoutMutation);
  if (!session) {
    const next =
      location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  const role = session.user.role;
  const signOut = async () => {
    const refreshToken = getSession()?.refreshToken;
    endSession();
    if (refreshToken) await logout({ refreshToken });
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand" aria-label="Plotmeter">
          <img src="/favicon.svg" alt="" width="24" height="24" /> Plotmeter
        </span>
        <nav aria-label="Main" className="mainnav">
          <ul>
            {sectionsFor(role).map((section) => (
              <li key={section}>
                <NavLink to={`/${section}`}>{SECTION_LABEL[section]}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="user">
          <span>
            {session.user.name} <small>{ROLE_LABEL[role]}</small>
          </span>
          <button type="button" className="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading label="Loading the page" />}>
          <Routes>
            <Route path="/" element={<Navigate to={homeFor(role)} replace />} />
            <Route
              path="/fleet"
              element={
                <Guard section="fleet">
                  <FleetPage />
                </Guard>
              }
            />
            <Route
              path="/fleet/:id"
              element={
                <Guard section="fleet">
                  <PrinterPage />
                </Guard>
              }
            />
            <Route
              path="/alerts"
              element={
                <Guard section="alerts">
                  <AlertsPage />
                </Guard>
              }
            />
            <Route
              path="/customers"
              element={
                <Guard section="customers">
                  <CustomersPage />
                </Guard>
              }
            />
            <Route
              path="/customers/:id"
              element={
                <Guard section="customers">
                  <CustomerPage />
                </Guard>
              }
            />
            <Route
              path="/billing"
              element={
                <Guard section="billing">
                  <BillingPage />
                </Guard>
              }
            />
            <Route
              path="/billing/statements/:id"
              element={
                <Guard section="billing">
                  <StatementPage />
                </Guard>
              }
            />
            <Route
              path="/admin"
              element={
                <Guard section="admin">
                  <AdminPage />
                </Guard>
              }
            />
            <Route
              path="/platform"
              element={
                <Guard section="platform">
                  <PlatformPage />
                </Guard>
              }
            />
            <Route
              path="*"
              element={
                <div className="page">
                  <h1>Page not found</h1>
                </div>
              }
            />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

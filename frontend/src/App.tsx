import { useCallback, useEffect, useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { hasSession, OVERLOADED_EVENT, SERVICE_DOWN_EVENT, tokens, type Problem } from "./api/client";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import { Layout, Loading } from "./components/Layout";
import { OverloadedNotice } from "./components/Notices";
import { featureRoutes } from "./features";
import { usePublicAccountPage } from "./features/accounts/PublicPages";
import { I18nProvider } from "./i18n";
import { HomePage } from "./pages/HomePage";
import { LoginPage } from "./pages/LoginPage";
import { NetworkPage } from "./pages/NetworkPage";
import { BusyPage, NotFoundPage, ServiceDownPage } from "./pages/StatusPages";

function Shell() {
  const { me, loading, reload } = useAuth();
  const [serviceDown, setServiceDown] = useState<Problem | null | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  const overloaded = useOverloaded();
  const accountPage = usePublicAccountPage(); // invitation and password links: with or without a session

  useEffect(() => {
    const onDown = (event: Event) => setServiceDown((event as CustomEvent<Problem | null>).detail);
    window.addEventListener(SERVICE_DOWN_EVENT, onDown);
    return () => window.removeEventListener(SERVICE_DOWN_EVENT, onDown);
  }, []);

  const retry = () => {
    setServiceDown(undefined);
    setAttempt((n) => n + 1);
    if (!me) void reload();
  };

  if (accountPage) return accountPage;
  if (loading) return <Loading />;
  if (!me && serviceDown !== undefined) return <ServiceDownPage problem={serviceDown} onRetry={retry} />;
  // The session exists but could not be loaded in a busy moment: retry it rather than ask to log in again.
  if (!me && overloaded.pending && (tokens.access || hasSession()))
    return (
      <BusyPage
        onRetry={() => {
          overloaded.dismiss();
          void reload();
        }}
      />
    );
  if (!me) return <LoginPage />;
  return (
    <Layout>
      {overloaded.shown && <OverloadedNotice onDismiss={overloaded.dismiss} />}
      {serviceDown !== undefined ? (
        <ServiceDownPage problem={serviceDown} onRetry={retry} />
      ) : (
        <Routes key={attempt}>
          <Route path="/" element={<HomePage />} />
          <Route path="/redes/:networkId" element={<NetworkPage />} />
          {featureRoutes.map((route) => (
            <Route key={route.path} path={route.path} element={route.element} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      )}
    </Layout>
  );
}

/**
 * A busy moment (503 `overloaded`): `shown` while the Retry-After lasts (the banner goes by itself), `pending` until
 * the user retries or dismisses it.
 */
function useOverloaded() {
  const [until, setUntil] = useState(0);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    const onBusy = (event: Event) => {
      setUntil(Date.now() + 1000 * ((event as CustomEvent<number | null>).detail ?? 5) + 3000);
      setPending(true);
    };
    window.addEventListener(OVERLOADED_EVENT, onBusy);
    return () => window.removeEventListener(OVERLOADED_EVENT, onBusy);
  }, []);
  useEffect(() => {
    if (until === 0) return;
    const timer = window.setTimeout(() => setUntil(0), Math.max(0, until - Date.now()));
    return () => window.clearTimeout(timer);
  }, [until]);
  const dismiss = useCallback(() => {
    setUntil(0);
    setPending(false);
  }, []);
  return { shown: until > 0, pending, dismiss };
}

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <BrowserRouter>
          <Shell />
        </BrowserRouter>
      </AuthProvider>
    </I18nProvider>
  );
}

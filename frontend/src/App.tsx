import { useEffect, useState } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { SERVICE_DOWN_EVENT, type Problem } from "./api/client";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import { Layout, Loading } from "./components/Layout";
import { featureRoutes } from "./features";
import { I18nProvider } from "./i18n";
import { HomePage } from "./pages/HomePage";
import { LoginPage } from "./pages/LoginPage";
import { NetworkPage } from "./pages/NetworkPage";
import { NotFoundPage, ServiceDownPage } from "./pages/StatusPages";

function Shell() {
  const { me, loading, reload } = useAuth();
  const [serviceDown, setServiceDown] = useState<Problem | null | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

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

  if (loading) return <Loading />;
  if (!me && serviceDown !== undefined) return <ServiceDownPage problem={serviceDown} onRetry={retry} />;
  if (!me) return <LoginPage />;
  return (
    <Layout>
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

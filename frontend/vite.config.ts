import react from "@vitejs/plugin-react";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

/** Ships Swagger UI's assets with the app, so /api/docs works without any CDN. */
function swaggerUiAssets(): Plugin {
  return {
    name: "swagger-ui-assets",
    apply: "build",
    closeBundle() {
      const source = resolve(here, "node_modules/swagger-ui-dist");
      const target = resolve(here, "dist/swagger-ui");
      mkdirSync(target, { recursive: true });
      for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]) {
        copyFileSync(resolve(source, file), resolve(target, file));
      }
    },
  };
}

// In development (`npm run dev`) API calls go to the gateway started by `make run`.
export default defineConfig({
  plugins: [react(), swaggerUiAssets()],
  server: { proxy: { "/api": process.env.MEJORA_GATEWAY ?? "http://127.0.0.1:8000" } },
  build: { outDir: "dist", sourcemap: true },
});

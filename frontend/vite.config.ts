import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development (`npm run dev`) API calls go to the gateway started by `make run`.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": process.env.MEJORA_GATEWAY ?? "http://127.0.0.1:8000" } },
  build: { outDir: "dist", sourcemap: true },
});

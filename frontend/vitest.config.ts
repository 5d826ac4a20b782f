// Unit tests (`npx vitest run`, the "frontend unit tests" phase of `make test`): pure functions and the offline
// queue, in happy-dom for the queue's localStorage, window events and fetch.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});

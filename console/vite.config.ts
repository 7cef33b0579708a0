import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The console is served by yishe-server itself, from the root of its own listener.
// Everything is bundled into files of the build: no inline script or style, so the
// server's Content-Security-Policy can forbid both.
export default defineConfig({
  plugins: [react()],
  build: {
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});

/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// A static bundle that Tauri embeds (frontendDist = ui/dist). esbuild compiles the JSX, so no
// framework plugin is needed.
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", target: "es2022", emptyOutDir: true },
  test: { environment: "jsdom", globals: true, include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test-setup.ts"] },
});

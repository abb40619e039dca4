import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// served by @weft/server at /studio: relative to it, everything bundled (no CDN)
export default defineConfig({
	base: "/studio/",
	plugins: [react()],
	build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});

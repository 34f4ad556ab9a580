// The console is a static bundle served by the api role (src/http/console.routes.ts). Every file name
// under assets/ carries a content hash, so the server can mark them immutable; index.html is not hashed.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Inline assets would need data: in more CSP directives; a few extra requests are cheaper.
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev -w console` against a server on :4000.
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true }, '/export': 'http://127.0.0.1:4000' },
  },
});

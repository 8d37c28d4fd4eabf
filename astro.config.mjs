// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';

export default defineConfig({
  // Images are not processed: the site's figures are inline SVG, and sharp's
  // native install script is not allowed here.
  image: { service: passthroughImageService() },
});

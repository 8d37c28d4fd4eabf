// Full-page screenshots of a built site's page, to look at it as a reader would:
//   npx tsx scripts/screenshot.ts [--dist dist] [--page /reports/tuning-the-kl-penalty/] [--out screenshot]
// writes <out>-desktop.png (1280 wide), <out>-phone.png (390 wide), <out>-dark.png,
// <out>-phone-dark.png, and the page as printed: <out>-print.pdf (A4) and <out>-print.png.
import { parseArgs } from 'node:util';
import { launchChromium } from '../src/site/chromium';
import { serveStatic } from '../src/site/static-server';

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    page: { type: 'string', default: '/reports/tuning-the-kl-penalty/' },
    out: { type: 'string', default: 'screenshot' },
  },
});

const server = await serveStatic(values.dist);
const browser = await launchChromium();
const shots = [
  { name: 'desktop', width: 1280, colorScheme: 'light' },
  { name: 'phone', width: 390, colorScheme: 'light' },
  { name: 'dark', width: 1280, colorScheme: 'dark' },
  { name: 'phone-dark', width: 390, colorScheme: 'dark' },
] as const;
for (const { name, width, colorScheme } of shots) {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
  await page.goto(server.url + values.page);
  await page.screenshot({ path: `${values.out}-${name}.png`, fullPage: true });
  await page.close();
  console.log(`${values.out}-${name}.png`);
}
// As printed, from a reader in dark mode (print must still be black on white).
const page = await browser.newPage({ viewport: { width: 800, height: 1100 }, colorScheme: 'dark' });
await page.goto(server.url + values.page);
await page.emulateMedia({ media: 'print' });
await page.pdf({ path: `${values.out}-print.pdf`, format: 'A4' });
await page.screenshot({ path: `${values.out}-print.png`, fullPage: true });
console.log(`${values.out}-print.pdf`, `${values.out}-print.png`);
await page.close();
await browser.close();
await server.close();

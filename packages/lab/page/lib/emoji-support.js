// @ts-check
/**
 * Whether this browser can draw colour emoji: a snail drawn on a canvas with the page's emoji fonts has
 * coloured pixels; the "missing glyph" box is grey. Without one the page shows Slack's `:name:` text
 * (styles.css, `[data-emoji="text"]`), as Slack itself does for an unknown emoji.
 */
export const colourEmojiAvailable = () => {
  const canvas = document.createElement("canvas");
  canvas.width = 24;
  canvas.height = 24;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  if (!context) return true;
  context.font = '20px "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif';
  context.textBaseline = "top";
  context.fillText("🐌", 0, 0);
  const pixels = context.getImageData(0, 0, 24, 24).data;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0, pixels[i + 3] ?? 0];
    if (a > 0 && (Math.abs(r - g) > 24 || Math.abs(g - b) > 24)) return true;
  }
  return false;
};

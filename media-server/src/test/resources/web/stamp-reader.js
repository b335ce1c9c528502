// Test-only: reads the capture time that space.share.media.testing.StampedSource draws into every frame (a row of
// 48 black/white cells, epoch ms most significant bit first, and under it the same bits inverted) and reports
// now - stamp for each displayed frame. Geometry must match StampedSource.java.
(function () {
  'use strict';
  const BITS = 48, CELL_WIDTH = 26, CELL_HEIGHT = 24, LEFT = 16, TOP = 8, WIDTH = 1280;
  const STRIP_HEIGHT = TOP + 2 * CELL_HEIGHT;

  /**
   * Starts reading stamps from a <video>. Calls onLatency(ms, stampMs) once per presented frame whose stamp reads
   * as a plausible time (within a minute of now). Returns {stop()}.
   */
  function watchStamps(video, onLatency) {
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = STRIP_HEIGHT;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    let stopped = false;
    function onFrame(now, metadata) {
      if (stopped) return;
      const shownAtMs = performance.timeOrigin + (metadata && metadata.expectedDisplayTime
        ? metadata.expectedDisplayTime : now);
      if (video.videoWidth > 0) {
        const scale = video.videoWidth / WIDTH;
        ctx.drawImage(video, 0, 0, video.videoWidth, STRIP_HEIGHT * scale, 0, 0, WIDTH, STRIP_HEIGHT);
        const pixels = ctx.getImageData(0, 0, WIDTH, STRIP_HEIGHT).data;
        const stampMs = decode(pixels);
        if (Math.abs(shownAtMs - stampMs) < 60000) {
          onLatency(shownAtMs - stampMs, stampMs);
        }
      }
      video.requestVideoFrameCallback(onFrame);
    }
    video.requestVideoFrameCallback(onFrame);
    return { stop() { stopped = true; } };
  }

  function cellMean(pixels, bit, row) {
    const cx = LEFT + bit * CELL_WIDTH + (CELL_WIDTH >> 1);
    const cy = TOP + row * CELL_HEIGHT + (CELL_HEIGHT >> 1);
    let sum = 0;
    for (let y = cy - 4; y < cy + 4; y++) {
      for (let x = cx - 4; x < cx + 4; x++) {
        sum += pixels[(y * WIDTH + x) * 4]; // red channel of a gray image
      }
    }
    return sum / 64;
  }

  function decode(pixels) {
    let value = 0;
    for (let bit = 0; bit < BITS; bit++) {
      value = value * 2 + (cellMean(pixels, bit, 0) > cellMean(pixels, bit, 1) ? 1 : 0);
    }
    return value;
  }

  window.StampReader = { watchStamps, decode };
})();

// Where the desktop's picture is inside the video element, and how a pointer position maps to a desktop
// pixel. The video is letterboxed (object-fit: contain), so the picture is the largest rectangle of the
// stream's aspect ratio centred in the element. The noVNC layer is sized to exactly this rectangle.
// Pure logic, no DOM.

/**
 * @returns {{x:number, y:number, width:number, height:number}} the picture rectangle in box coordinates
 */
export function containRect(boxWidth, boxHeight, mediaWidth, mediaHeight) {
  if (!(boxWidth > 0 && boxHeight > 0 && mediaWidth > 0 && mediaHeight > 0)) {
    return { x: 0, y: 0, width: Math.max(0, boxWidth), height: Math.max(0, boxHeight) };
  }
  const scale = Math.min(boxWidth / mediaWidth, boxHeight / mediaHeight);
  const width = mediaWidth * scale;
  const height = mediaHeight * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}

/**
 * Maps a point in box coordinates to a desktop pixel (integer, clamped).
 * @returns {{x:number, y:number, inside:boolean}}
 */
export function boxToDesktop(pointX, pointY, rect, desktopWidth, desktopHeight) {
  const u = (pointX - rect.x) / rect.width;
  const v = (pointY - rect.y) / rect.height;
  const inside = u >= 0 && u < 1 && v >= 0 && v < 1;
  const x = Math.min(desktopWidth - 1, Math.max(0, Math.floor(u * desktopWidth)));
  const y = Math.min(desktopHeight - 1, Math.max(0, Math.floor(v * desktopHeight)));
  return { x, y, inside };
}

/** The centre of a desktop pixel in box coordinates (inverse of boxToDesktop). */
export function desktopToBox(desktopX, desktopY, rect, desktopWidth, desktopHeight) {
  return {
    x: rect.x + ((desktopX + 0.5) / desktopWidth) * rect.width,
    y: rect.y + ((desktopY + 0.5) / desktopHeight) * rect.height,
  };
}

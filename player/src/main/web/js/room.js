import '@novnc/novnc'; import 'hls.js';

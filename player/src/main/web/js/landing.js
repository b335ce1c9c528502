import './lib/backoff.js';

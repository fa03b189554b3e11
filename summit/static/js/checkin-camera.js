// The door's camera: decodes QR codes with the browser's BarcodeDetector, or with jsQR
// (static/vendor/jsqr, loaded by the page) where there is none.

const FRAME_MS = 150;
const SAME_BADGE_MS = 4000;  // the same badge in front of the camera for a few seconds is one scan
const MAX_SIDE = 640;  // jsQR is fast enough on frames scaled down to this

export class Camera {
  constructor({ video, canvas, onCode }) {
    this.video = video;
    this.canvas = canvas;
    this.onCode = onCode;
    this.stream = null;
    this.detector = null;
    this.lastCode = "";
    this.quietUntil = 0;
  }

  get running() {
    return this.stream !== null;
  }

  /** Resolves once the camera runs; rejects when there is none or it was not allowed. */
  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("no camera");
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    this.video.srcObject = this.stream;
    this.video.play();
    if ("BarcodeDetector" in window) {
      try {
        this.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch {
        this.detector = null;
      }
    }
    this.tick();
  }

  stop() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
  }

  /** The badge last seen is not scanned again for `ms` (it may still be in front of the camera). */
  ignoreLast(ms) {
    this.quietUntil = Date.now() + ms;
  }

  found(code) {
    const now = Date.now();
    if (code === this.lastCode && now < this.quietUntil) return;
    this.lastCode = code;
    this.quietUntil = now + SAME_BADGE_MS;
    this.onCode(code);
  }

  async decode() {
    if (this.detector) {
      const codes = await this.detector.detect(this.video).catch(() => []);
      return codes.length ? codes[0].rawValue : null;
    }
    const { videoWidth: width, videoHeight: height } = this.video;
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    this.canvas.width = Math.round(width * scale);
    this.canvas.height = Math.round(height * scale);
    const context = this.canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(this.video, 0, 0, this.canvas.width, this.canvas.height);
    const image = context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    const qr = window.jsQR && window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return qr && qr.data ? qr.data : null;
  }

  async tick() {
    if (!this.running) return;
    if (this.video.readyState >= 2) {
      const code = await this.decode();
      if (code && this.running) this.found(code);
    }
    setTimeout(() => this.tick(), FRAME_MS);
  }
}

// 扫一扫: read a QR code with the phone's camera (jsQR, served from our own static files) and submit it.
// Markup: <div data-qr-scanner data-form="#id" data-autostart> with [data-qr-start], <video>, <canvas>,
// [data-qr-status]; the texts come from data-msg-* attributes so they are translated by the page.
// Without a camera (refused, absent, old browser) the page's paste field still works: that is the fallback.
(function () {
  "use strict";

  function setup(box) {
    const form = document.querySelector(box.dataset.form);
    const input = form && form.querySelector("[data-qr-input]");
    const video = box.querySelector("video");
    const canvas = box.querySelector("canvas");
    const status = box.querySelector("[data-qr-status]");
    const start = box.querySelector("[data-qr-start]");
    const stopBtn = box.querySelector("[data-qr-stop]");
    let stream = null;
    let done = false;

    function say(key) {
      status.textContent = box.dataset["msg" + key] || "";
      status.dataset.state = key.toLowerCase();
    }

    function stop() {
      if (stream) stream.getTracks().forEach((t) => t.stop());
      stream = null;
      video.hidden = true;
      if (stopBtn) stopBtn.hidden = true;
      start.hidden = false;
    }

    function tick() {
      if (!stream || done) return;
      if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
        // Read a scaled copy: big camera frames are slow to scan and a QR code fills much of the view anyway.
        const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
        canvas.width = Math.round(video.videoWidth * scale);
        canvas.height = Math.round(video.videoHeight * scale);
        const ctx = canvas.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
        if (code && code.data) {
          done = true;
          input.value = code.data;
          say("Found");
          stop();
          form.requestSubmit ? form.requestSubmit() : form.submit();
          return;
        }
      }
      requestAnimationFrame(tick);
    }

    async function open() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
        say("Nocamera");
        return;
      }
      say("Asking");
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: "environment" } },
          audio: false,
        });
      } catch (err) {
        say(err && err.name === "NotAllowedError" ? "Denied" : "Nocamera");
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      if (stopBtn) stopBtn.hidden = false;
      await video.play().catch(() => {});
      say("Scanning");
      requestAnimationFrame(tick);
    }

    start.addEventListener("click", open);
    if (stopBtn) stopBtn.addEventListener("click", () => { stop(); say("Stopped"); });
    if (box.hasAttribute("data-autostart")) open();
  }

  // Full screen for the organiser's code (Fullscreen API); the button hides itself where it is not offered.
  function fullscreen(btn) {
    const target = document.querySelector(btn.dataset.fullscreen);
    if (!target || !target.requestFullscreen) { btn.hidden = true; return; }
    btn.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else target.requestFullscreen().catch(() => {});
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-qr-scanner]").forEach(setup);
    document.querySelectorAll("[data-fullscreen]").forEach(fullscreen);
  });
})();

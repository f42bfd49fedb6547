// Fill the hidden position fields from the browser's location; the address field stays the fallback.
// The messages come translated from the note's data attributes (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-geo]");
  const note = document.getElementById("geo-note");
  const say = (key) => (note ? note.dataset[key] || "" : "");
  if (!form || !navigator.geolocation) { if (note) note.textContent = say("none"); return; }
  navigator.geolocation.getCurrentPosition((pos) => {
    form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
    form.querySelector("input[name=lng]").value = pos.coords.longitude.toFixed(6);
    if (note) note.textContent = say("taken") + " " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
  }, () => { if (note) note.textContent = say("none"); },
  { timeout: 8000, maximumAge: 60000, enableHighAccuracy: true });
});

// Optional: fill the check-in position from the phone's location. The form works without it.
document.addEventListener("DOMContentLoaded", () => {
  // A link to #action-<name> opens that action's form.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") target.open = true;
  if (!navigator.geolocation) return;
  const forms = document.querySelectorAll("form[data-geo]");
  if (!forms.length) return;
  navigator.geolocation.getCurrentPosition((pos) => {
    forms.forEach((form) => {
      const lat = form.querySelector("input[name=lat]"), lng = form.querySelector("input[name=lng]");
      if (lat && lng) { lat.value = pos.coords.latitude.toFixed(6); lng.value = pos.coords.longitude.toFixed(6); }
    });
  }, () => {}, { timeout: 8000, maximumAge: 60000 });
});

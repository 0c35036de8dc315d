// The check-in desk and the photo page. Everything here is an addition: without
// JavaScript a USB scanner still types into the focused field and presses Enter, the
// count updates with every scan, and a photo is cut in its middle.
(function () {
  "use strict";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // The live count: polled every five seconds.
  var count = document.getElementById("checkin-count");
  if (count) {
    var entered = count.querySelector("[data-field=entered]");
    var approved = count.querySelector("[data-field=approved]");
    var poll = function () {
      fetch(count.dataset.countUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (figures) {
          entered.textContent = String(figures.entered);
          approved.textContent = String(figures.approved);
          window.setTimeout(poll, 5000);
        })
        .catch(function () {
          window.setTimeout(poll, 15000);
        });
    };
    window.setTimeout(poll, 5000);
  }

  // The scan field keeps the focus, so that the scanner's keystrokes always land there.
  var scan = document.getElementById("checkin-scan");
  var field = document.getElementById("scan-code");
  if (scan && field) {
    var search = document.getElementById("search-q");
    if (!search || !search.value) {
      field.focus({ preventScroll: true });
    }
    // The result of a scan comes first (on a phone, above the field): the focus given by
    // `autofocus` must not scroll it away.
    if (document.querySelector(".checkin-result")) {
      window.scrollTo(0, 0);
    }
    setupCamera(scan, field);
  }

  // The camera: frames go to the server (no BarcodeDetector in this browser), twice a second.
  function setupCamera(form, input) {
    var start = document.getElementById("camera-start");
    var stop = document.getElementById("camera-stop");
    var panel = document.getElementById("camera");
    var video = document.getElementById("camera-video");
    var status = document.getElementById("camera-status");
    if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    start.hidden = false;
    var stream = null;
    var timer = null;
    var canvas = document.createElement("canvas");

    function halt() {
      if (timer) {
        window.clearTimeout(timer);
        timer = null;
      }
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
        stream = null;
      }
      panel.hidden = true;
      start.hidden = false;
    }

    function grab() {
      if (!stream || !video.videoWidth) {
        timer = window.setTimeout(grab, 500);
        return;
      }
      var scale = Math.min(1, 1280 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(
        function (blob) {
          var body = new FormData();
          body.append("frame", blob, "frame.jpg");
          fetch(form.dataset.decodeUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
            body: body,
          })
            .then(function (response) {
              return response.json();
            })
            .then(function (answer) {
              if (answer.code) {
                input.value = answer.code;
                halt();
                form.submit();
              } else {
                status.textContent = answer.error || "";
                timer = window.setTimeout(grab, 500);
              }
            })
            .catch(function () {
              timer = window.setTimeout(grab, 1500);
            });
        },
        "image/jpeg",
        0.85
      );
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.play();
          panel.hidden = false;
          start.hidden = true;
          timer = window.setTimeout(grab, 500);
        })
        .catch(function (error) {
          panel.hidden = false;
          status.textContent = String(error && error.message ? error.message : error);
        });
    });
    stop.addEventListener("click", function () {
      halt();
      input.focus();
    });
  }

  // The photo page: a 35:45 frame over the preview, moved by dragging and sized with the
  // mouse wheel or the arrow keys (+ Shift), written into the crop fields in pixels of
  // the picture.
  var fileInput = document.getElementById("photo-file");
  var crop = document.getElementById("photo-crop");
  if (fileInput && crop) {
    var preview = document.getElementById("photo-preview");
    var box = document.getElementById("photo-box");
    var fields = {
      x: document.getElementById("crop-x"),
      y: document.getElementById("crop-y"),
      width: document.getElementById("crop-width"),
      height: document.getElementById("crop-height"),
    };
    var state = null; // in pixels of the picture
    box.tabIndex = 0;
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "Crop frame: arrow keys move it, Shift and arrows resize it");

    var clamp = function () {
      var W = preview.naturalWidth;
      var H = preview.naturalHeight;
      state.height = Math.max(20, Math.min(state.height, H, Math.floor((W * 45) / 35)));
      state.width = Math.round((state.height * 35) / 45);
      state.x = Math.max(0, Math.min(state.x, W - state.width));
      state.y = Math.max(0, Math.min(state.y, H - state.height));
    };
    var draw = function () {
      clamp();
      var scale = preview.clientWidth / preview.naturalWidth;
      box.style.left = state.x * scale + "px";
      box.style.top = state.y * scale + "px";
      box.style.width = state.width * scale + "px";
      box.style.height = state.height * scale + "px";
      fields.x.value = String(state.x);
      fields.y.value = String(state.y);
      fields.width.value = String(state.width);
      fields.height.value = String(state.height);
    };

    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) {
        crop.hidden = true;
        return;
      }
      var reader = new FileReader();
      reader.onload = function () {
        preview.onload = function () {
          var W = preview.naturalWidth;
          var H = preview.naturalHeight;
          var height = Math.min(H, Math.floor((W * 45) / 35));
          state = { height: height, width: 0, x: 0, y: 0 };
          state.width = Math.round((height * 35) / 45);
          state.x = Math.floor((W - state.width) / 2);
          state.y = Math.floor((H - height) / 2);
          crop.hidden = false;
          draw();
        };
        preview.src = String(reader.result); // a data: URL, which the policy allows
      };
      reader.readAsDataURL(file);
    });

    var dragging = null;
    box.addEventListener("pointerdown", function (event) {
      dragging = { x: event.clientX, y: event.clientY, startX: state.x, startY: state.y };
      box.setPointerCapture(event.pointerId);
    });
    box.addEventListener("pointermove", function (event) {
      if (!dragging) {
        return;
      }
      var scale = preview.naturalWidth / preview.clientWidth;
      state.x = Math.round(dragging.startX + (event.clientX - dragging.x) * scale);
      state.y = Math.round(dragging.startY + (event.clientY - dragging.y) * scale);
      draw();
    });
    box.addEventListener("pointerup", function () {
      dragging = null;
    });
    box.addEventListener(
      "wheel",
      function (event) {
        event.preventDefault();
        var before = state.height;
        state.height = Math.round(state.height * (event.deltaY > 0 ? 0.95 : 1.05));
        state.y -= Math.round((state.height - before) / 2);
        state.x -= Math.round(((state.height - before) * 35) / 45 / 2);
        draw();
      },
      { passive: false }
    );
    box.addEventListener("keydown", function (event) {
      var step = Math.max(1, Math.round(preview.naturalWidth / 100));
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      var move = moves[event.key];
      if (!move) {
        return;
      }
      event.preventDefault();
      if (event.shiftKey) {
        state.height += (move[0] + move[1]) * step;
      } else {
        state.x += move[0] * step;
        state.y += move[1] * step;
      }
      draw();
    });
  }
})();

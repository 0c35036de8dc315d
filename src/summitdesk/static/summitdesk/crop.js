/* The photo crop of the delegate's accreditation page (templates/portal/delegate.html).
   Once a picture is chosen, it is shown with a 35:45 frame that the person moves (drag,
   touch or arrow keys) and sizes (the zoom slider); the frame, in pixels of the picture
   as displayed, goes in the hidden crop_* fields, which the server applies. Without this
   script, the server keeps the centred 35:45 box or the framing chosen in the form. */
(function () {
  "use strict";
  var editor = document.getElementById("crop-editor");
  // The camera's input and the file's: choosing in one clears the other.
  var inputs = [document.getElementById("id_photo"), document.getElementById("id_photo_file")];
  if (!editor || !inputs[0] || !inputs[1] || !window.FileReader) { return; }
  var image = editor.querySelector(".crop-image");
  var frame = editor.querySelector(".crop-frame");
  var zoom = document.getElementById("crop-zoom");
  var framing = document.getElementById("framing");
  var fields = {
    x: document.getElementById("id_crop_x"),
    y: document.getElementById("id_crop_y"),
    width: document.getElementById("id_crop_width"),
    height: document.getElementById("id_crop_height")
  };
  var ratio = Number(editor.dataset.ratioWidth) / Number(editor.dataset.ratioHeight);
  var minWidth = Number(editor.dataset.minWidth);
  // The frame in pixels of the picture itself (natural size, orientation applied).
  var box = { x: 0, y: 0, width: 0, height: 0 };

  function clear() {
    Object.keys(fields).forEach(function (name) { fields[name].value = ""; });
  }

  function largest() {
    var width = image.naturalWidth, height = image.naturalHeight;
    return width / height > ratio ? { width: height * ratio, height: height }
                                  : { width: width, height: width / ratio };
  }

  function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }

  function place() {
    box.x = clamp(box.x, 0, image.naturalWidth - box.width);
    box.y = clamp(box.y, 0, image.naturalHeight - box.height);
    var scale = image.clientWidth / image.naturalWidth;
    frame.style.left = box.x * scale + "px";
    frame.style.top = box.y * scale + "px";
    frame.style.width = box.width * scale + "px";
    frame.style.height = box.height * scale + "px";
    fields.x.value = Math.round(box.x);
    fields.y.value = Math.round(box.y);
    fields.width.value = Math.round(box.width);
    fields.height.value = Math.round(box.height);
  }

  function resize(percent) {
    var full = largest();
    // Never below the smallest crop the server accepts.
    var share = Math.max(percent / 100, Math.min(1, minWidth / full.width));
    var centreX = box.x + box.width / 2, centreY = box.y + box.height / 2;
    box.width = full.width * share;
    box.height = box.width / ratio;
    box.x = centreX - box.width / 2;
    box.y = centreY - box.height / 2;
    place();
  }

  image.addEventListener("load", function () {
    editor.hidden = false;
    if (framing) { framing.hidden = true; }
    var full = largest();
    box = { x: (image.naturalWidth - full.width) / 2, y: (image.naturalHeight - full.height) / 2,
            width: full.width, height: full.height };
    zoom.value = 100;
    place();
  });
  image.addEventListener("error", function () {
    editor.hidden = true;
    if (framing) { framing.hidden = false; }
    clear();
  });

  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      clear();
      inputs.forEach(function (other) { if (other !== input) { other.value = ""; } });
      var file = input.files && input.files[0];
      if (!file) {
        editor.hidden = true;
        if (framing) { framing.hidden = false; }
        return;
      }
      var reader = new FileReader();  // a data: URL, which the page's policy allows
      reader.addEventListener("load", function () { image.src = reader.result; });
      reader.readAsDataURL(file);
    });
  });

  zoom.addEventListener("input", function () { resize(Number(zoom.value)); });

  var drag = null;
  frame.addEventListener("pointerdown", function (event) {
    drag = { x: event.clientX, y: event.clientY, boxX: box.x, boxY: box.y };
    frame.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  frame.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    var scale = image.naturalWidth / image.clientWidth;
    box.x = drag.boxX + (event.clientX - drag.x) * scale;
    box.y = drag.boxY + (event.clientY - drag.y) * scale;
    place();
  });
  function release() { drag = null; }
  frame.addEventListener("pointerup", release);
  frame.addEventListener("pointercancel", release);

  frame.addEventListener("keydown", function (event) {
    var step = box.width / 20;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var move = moves[event.key];
    if (!move) { return; }
    box.x += move[0];
    box.y += move[1];
    place();
    event.preventDefault();
  });

  window.addEventListener("resize", function () { if (!editor.hidden) { place(); } });
})();

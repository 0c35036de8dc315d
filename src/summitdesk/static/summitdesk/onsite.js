// The walk-in's photo: the desk camera's picture is put into the form's file field, so
// that it goes through the same checks and crop as an upload. Without a camera (or
// JavaScript) the file field works alone.
(function () {
  "use strict";

  var panel = document.getElementById("walk-in-camera");
  var video = document.getElementById("walk-in-video");
  var shoot = document.getElementById("walk-in-shoot");
  var input = document.getElementById("walk-in-file");
  var form = document.getElementById("walk-in-photo-form");
  if (!panel || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var constraints = {
    video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } },
    audio: false,
  };
  navigator.mediaDevices
    .getUserMedia(constraints)
    .then(function (stream) {
      video.srcObject = stream;
      var playing = video.play();
      if (playing && playing.catch) {
        playing.catch(function () {});
      }
      panel.hidden = false;
      shoot.addEventListener("click", function capture() {
        if (!video.videoWidth) {
          // The first frame has not arrived yet: look again shortly (an event may have
          // been missed, and a paused video is started by this click).
          video.play().catch(function () {});
          window.setTimeout(capture, 100);
          return;
        }
        shoot.disabled = true;
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(
          function (blob) {
            var transfer = new DataTransfer();
            transfer.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
            input.files = transfer.files;
            stream.getTracks().forEach(function (track) {
              track.stop();
            });
            form.submit();
          },
          "image/jpeg",
          0.92
        );
      });
    })
    .catch(function () {
      panel.hidden = true;
    });
})();

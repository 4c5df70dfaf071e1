// web's static page and its script: the emoji grid to vote on and the leaderboard, in
// plain DOM code against the same /api endpoints (the real app ships a React bundle; what
// matters here is that "/" is a real static page a person can open).

export const INDEX_HTML = `<!DOCTYPE html>
<html>
  <head>
    <meta charset="UTF-8">
    <title>Emoji Vote</title>
    <style>
      body { font-family: sans-serif; margin: 2em; }
      button { font-size: 2em; margin: 0.1em; background: none; border: 1px solid #ddd; border-radius: 6px; cursor: pointer; }
      #leaderboard li { font-size: 1.4em; }
    </style>
  </head>
  <body>
    <h1>🗳 Emoji Vote</h1>
    <p>Tap your favourite emoji. <a href="#leaderboard">View the leaderboard</a></p>
    <div id="main" class="main"></div>
    <h2>Leaderboard</h2>
    <ol id="leaderboard"></ol>
    <script type="text/javascript" src="/js" async></script>
  </body>
</html>
`;

export const INDEX_JS = `(function () {
  var main = document.getElementById("main");
  var board = document.getElementById("leaderboard");
  function leaderboard() {
    fetch("/api/leaderboard").then(function (r) { return r.json(); }).then(function (rows) {
      board.textContent = "";
      rows.forEach(function (row) {
        var li = document.createElement("li");
        li.textContent = row.unicode + " " + row.votes;
        board.appendChild(li);
      });
    });
  }
  fetch("/api/list").then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (emoji) {
      var b = document.createElement("button");
      b.title = emoji.shortcode;
      b.textContent = emoji.unicode;
      b.onclick = function () {
        fetch("/api/vote?choice=" + encodeURIComponent(emoji.shortcode), { method: "POST" }).then(leaderboard);
      };
      main.appendChild(b);
    });
    leaderboard();
  });
})();
`;

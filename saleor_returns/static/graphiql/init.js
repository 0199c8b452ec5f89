// GraphiQL for the returns API, from assets served by the app itself (no CDN).
// The headers editor starts with what a call needs: Saleor-Api-Url names the shop
// (the demo shop's when it runs); add "Authorization": "Bearer <token>" to call as
// a customer, a guest, staff or an API key.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("graphiql-settings").textContent);
  var fetcher = GraphiQL.createFetcher({ url: settings.endpoint });
  var options = {
    fetcher: fetcher,
    defaultQuery: settings.defaultQuery,
    defaultHeaders: settings.defaultHeaders,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: "headers",
  };
  ReactDOM.render(React.createElement(GraphiQL, options), document.getElementById("editor"));
})();

// GraphiQL start-up for Plotmeter (served from local files; no CDN). Subscriptions go over graphql-ws
// on the same path; the Authorization header from the headers tab is sent as connectionParams too.
(function () {
  var url = window.location.origin + '/graphql';
  var wsUrl = url.replace(/^http/, 'ws');
  var fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: wsUrl,
    wsConnectionParams: function () {
      try {
        var headers = JSON.parse(localStorage.getItem('graphiql:headers') || '{}');
        return { authorization: headers.Authorization || headers.authorization };
      } catch (e) {
        return {};
      }
    },
  });
  var defaultQuery =
    '# Paste your API key in the Headers tab below:\n#   {"Authorization": "Bearer pmk_..."}\n\n{\n  me { role reseller { id name } }\n  printers(first: 10) {\n    totalCount\n    edges { node { serialNumber productName engineState lastSeenAt } }\n  }\n}\n';
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: '{"Authorization": "Bearer "}',
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();

// Runs one query through Apollo Client's own persisted-query link, twice, each time from a
// fresh client, against the endpoint given: node persisted_query.mjs <endpoint URL> <post id>.
// Prints, as JSON, each run's data and the HTTP exchanges it made (method, status, the blog's
// cache headers, the start of the answer). tests/test_apollo_persisted_queries.py reads it.
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";

const [endpoint, postId] = process.argv.slice(2);
const exchanges = [];

async function recordingFetch(url, options = {}) {
  const response = await fetch(url, options);
  exchanges.push({
    method: options.method ?? "GET",
    url: String(url),
    sentQuery: typeof options.body === "string" && options.body.includes('"query"'),
    status: response.status,
    cache: response.headers.get("x-cms-blog-cache"),
    etag: response.headers.get("etag"),
    cacheControl: response.headers.get("cache-control"),
    answer: (await response.clone().text()).slice(0, 500),
  });
  return response;
}

function newClient() {
  const persisted = createPersistedQueryLink({
    sha256: (text) => createHash("sha256").update(text).digest("hex"),
    useGETForHashedQueries: true,
  });
  const http = new HttpLink({ uri: endpoint, fetch: recordingFetch });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const QUERY = gql`
  query ApolloPost($id: ID!) {
    post(id: $id) {
      id
      title
      tags {
        name
      }
    }
  }
`;

const runs = [];
for (const run of ["first", "second"]) {
  const before = exchanges.length;
  const result = await newClient().query({
    query: QUERY,
    variables: { id: postId },
    fetchPolicy: "network-only",
  });
  runs.push({ run, data: result.data, exchanges: exchanges.slice(before) });
}
console.log(JSON.stringify(runs));

-- wrk script: rotate through the benchmark queries (same set as
-- crates/search/examples/bench.rs), GET /api/search; EXTRA=&facets=false
-- in the environment adds parameters.
local queries = {
  "ceasefire", "protest%20police", "%22prime%20minister%22", "oil%20OR%20gas",
  "election%20NOT%20president", "mubarak%20cairo", "title%3Abank", "outlet%3Abbc%20flu",
  "%22health%20officials%22%20vaccine", "syria%20OR%20libya%20OR%20yemen",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/search?limit=20" .. (os.getenv("EXTRA") or "") .. "&q=" .. queries[(i % #queries) + 1])
end

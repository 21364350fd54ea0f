-- wrk script: each connection sends one request every E2E_INTERVAL_MS milliseconds, so
-- `connections * 1000 / interval` requests/s at most (benches/e2e/run.py sets both).
local interval = tonumber(os.getenv("E2E_INTERVAL_MS") or "10")

function delay()
  return interval
end

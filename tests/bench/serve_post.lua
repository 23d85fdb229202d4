-- serve_post.lua - wrk script for make bench-serve: POST /v1/turn, each
-- request for one of 1,000 sessions in turn, alternating a few messages.
local n = 0
local texts = { "hello", "I feel anxious", "menu", "I want to practice the STOP skill", "7" }
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  local body = string.format('{"session":"b%d","text":"%s"}', n % 1000, texts[(n % #texts) + 1])
  return wrk.format("POST", "/v1/turn", nil, body)
end

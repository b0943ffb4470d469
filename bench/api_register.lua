-- One registration through the REST API: a JSON POST with a token, no form to load first.
-- Emails are unique per thread and request.
local counter = 0
local thread_id = 0
local path = os.getenv("REGISTER_PATH")
local token = os.getenv("API_TOKEN")
local consent = os.getenv("CONSENT_VERSION")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function request()
  counter = counter + 1
  local body = '{"name_en": "WRK Person", "email": "api' .. id .. "-" .. counter .. "-" ..
    math.random(1, 1e9) .. '@example.com", "organisation": "Bench Ltd", ' ..
    '"participant_type": "government", "region": "hong_kong", "industry": "public", ' ..
    '"preferred_language": "en", "consent_version": "' .. consent .. '"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  return wrk.format("POST", path, headers, body)
end

-- One registration = load the form (cookies, CSRF token, signed start time), then send it.
-- Each connection alternates GET and POST; emails are unique per thread and request.
local counter = 0
local thread_id = 0
local csrf_cookie, token, started = nil, nil, nil
local path = os.getenv("REGISTER_PATH")

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  counter = 0
end

function request()
  if token == nil then
    -- The language cookie keeps the response to a single Set-Cookie (wrk keeps only one).
    return wrk.format("GET", path, { ["Cookie"] = "django_language=en" })
  end
  counter = counter + 1
  local body = "csrfmiddlewaretoken=" .. token .. "&started=" .. started ..
    "&name_en=WRK+Person&email=wrk" .. id .. "-" .. counter .. "-" .. math.random(1, 1e9) ..
    "%40example.com&organisation=Bench+Ltd&participant_type=government&region=hong_kong" ..
    "&industry=public&preferred_language=en&consent=on"
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "django_language=en; csrftoken=" .. csrf_cookie,
    ["Referer"] = "http://127.0.0.1" .. path,
  }
  token = nil
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  if status == 200 then
    local cookie = headers["Set-Cookie"] or ""
    csrf_cookie = string.match(cookie, "csrftoken=([^;]+)") or csrf_cookie
    token = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
    started = string.match(body, 'name="started" value="([^"]+)"')
    if started then started = string.gsub(started, ":", "%%3A") end
  end
end

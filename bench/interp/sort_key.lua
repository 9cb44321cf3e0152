-- Sorting 10^5 pseudo-random ints by a key (a comparator on (x % 1000, x)).
function work()
  local xs = {}
  for i = 0, 99999 do xs[i + 1] = (i * 2654435761) % 1000003 end
  table.sort(xs, function(p, q)
    local kp, kq = p % 1000, q % 1000
    if kp ~= kq then return kp < kq end
    return p < q
  end)
  return xs[1] + xs[50001] * 3 + xs[#xs] * 7
end

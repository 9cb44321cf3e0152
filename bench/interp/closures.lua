-- Closures and lambdas: adders made in a loop, applied through an anonymous function.
local function make_adder(k) return function(x) return x + k end end
function work()
  local adders = {}
  for k = 0, 9 do adders[k + 1] = make_adder(k) end
  local twice = function(f, x) return f(f(x)) end
  local acc = 0
  for i = 0, 99999 do acc = twice(adders[i % 10 + 1], acc) % 1000003 end
  return acc
end

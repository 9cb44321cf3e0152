// ZeroMQ (Debian's libzmq3-dev) for the Jupyter kernel's sockets.
#include <zmq.h>

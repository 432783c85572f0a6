"""A CPython multiprocessing.connection Listener for CPythonInteropTest.

Usage: listener.py inet|unix ADDRESS HEXKEY
ADDRESS is a port (0 for a free one) or a socket path. Prints "ADDRESS <host> <port>" or
"ADDRESS <path>", accepts one client, sends it a greeting, and echoes each message reversed
until it receives b"bye"; then prints "DONE <count>". A client with another key makes it print
"AUTHENTICATION_ERROR <message>" and exit with 3.
"""
import sys
from multiprocessing import AuthenticationError
from multiprocessing.connection import Listener

family, address, key = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
if family == "inet":
    listener = Listener(("127.0.0.1", int(address)), authkey=key)
    print("ADDRESS %s %d" % listener.address, flush=True)
else:
    listener = Listener(address, family="AF_UNIX", authkey=key)
    print("ADDRESS %s" % listener.address, flush=True)
with listener:
    try:
        conn = listener.accept()
    except AuthenticationError as e:
        print("AUTHENTICATION_ERROR %s" % e, flush=True)
        sys.exit(3)
    with conn:
        conn.send_bytes(b"hello from CPython " + sys.version.split()[0].encode())
        count = 0
        while True:
            message = conn.recv_bytes()
            if message == b"bye":
                break
            conn.send_bytes(message[::-1])
            count += 1
print("DONE %d" % count, flush=True)

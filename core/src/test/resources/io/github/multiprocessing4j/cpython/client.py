"""A CPython multiprocessing.connection Client for CPythonInteropTest.

Usage: client.py inet|unix ADDRESS HEXKEY
ADDRESS is "host:port" or a socket path. Connects, sends a greeting, and echoes each message
reversed until it receives b"bye"; then prints "DONE <count>". A listener with another key makes
it print "AUTHENTICATION_ERROR <message>" and exit with 3.
"""
import sys
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client

family, address, key = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
if family == "inet":
    host, port = address.rsplit(":", 1)
    address = (host, int(port))
try:
    conn = Client(address, authkey=key)
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

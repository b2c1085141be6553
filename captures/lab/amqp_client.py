#!/usr/bin/env python3
"""AMQP 0-9-1 clients for the lab (captures/lab/amqp.sh), with Debian's pika
1.2 against a real rabbitmq-server. Each step is one connection, so that the
capture shows one broker behaviour per TCP stream.

  healthy HOST USER PASS   publisher with confirms (10 messages, all acked),
                           a consumer that acks each delivery, heartbeats
                           exchanged while both stay idle for 5 s
  errors  HOST USER PASS   a wrong password (403), an unknown vhost (530), a
                           publish to a missing exchange (channel close 404), a
                           queue redeclared with other arguments (406), a
                           consumer that rejects a message, publishes over a
                           full reject-publish queue (nacked), a client that
                           stops sending heartbeats (the broker drops it)
"""
import sys
import time

import pika
from pika import exceptions as px


def params(host, user, pw, vhost="/", heartbeat=2, name="lab"):
    return pika.ConnectionParameters(host=host, port=5672, virtual_host=vhost,
                                     credentials=pika.PlainCredentials(user, pw),
                                     heartbeat=heartbeat, blocked_connection_timeout=10,
                                     client_properties={"connection_name": name})


def healthy(host, user, pw):
    # Publisher with confirms; every publish waits for its basic.ack.
    conn = pika.BlockingConnection(params(host, user, pw, name="orders-publisher"))
    ch = conn.channel()
    ch.exchange_declare("orders", "direct", durable=False)
    ch.queue_declare("orders.eu", durable=False)
    ch.queue_bind("orders.eu", "orders", routing_key="eu")
    ch.confirm_delivery()
    for i in range(10):
        ch.basic_publish("orders", "eu", f"order {i}".encode(),
                         pika.BasicProperties(content_type="text/plain", delivery_mode=1), mandatory=True)
    # Idle, but serving I/O: the heartbeats go both ways.
    conn.sleep(5)
    conn.close()
    # Consumer: acks each of the ten.
    conn = pika.BlockingConnection(params(host, user, pw, name="orders-worker"))
    ch = conn.channel()
    ch.basic_qos(prefetch_count=5)
    got = 0
    for method, _props, _body in ch.consume("orders.eu", inactivity_timeout=2):
        if method is None:
            break
        ch.basic_ack(method.delivery_tag)
        got += 1
        if got == 10:
            break
    ch.cancel()
    conn.close()
    if got != 10:
        sys.exit(f"consumer got {got} of 10")


def expect(exc_types, f):
    try:
        f()
    except exc_types as e:
        print("expected:", type(e).__name__, e)
        return
    sys.exit(f"no error from {f.__name__}")


def errors(host, user, pw):
    def bad_password():
        pika.BlockingConnection(params(host, user, "wrong-pw", name="intruder"))
    expect((px.ProbableAuthenticationError, px.AMQPConnectionError), bad_password)

    def bad_vhost():
        pika.BlockingConnection(params(host, user, pw, vhost="staging", name="staging-app"))
    expect((px.ProbableAccessDeniedError, px.AMQPConnectionError), bad_vhost)

    conn = pika.BlockingConnection(params(host, user, pw, name="billing"))
    ch = conn.channel()
    ch.confirm_delivery()

    def missing_exchange():
        ch.basic_publish("invoices", "new", b"invoice 1")
    expect((px.ChannelClosedByBroker,), missing_exchange)
    ch = conn.channel()
    ch.queue_declare("jobs", durable=False, arguments={"x-max-length": 10})

    def redeclare():
        ch.queue_declare("jobs", durable=False, arguments={"x-max-length": 20})
    expect((px.ChannelClosedByBroker,), redeclare)

    # A full queue that refuses publishes: the broker nacks them.
    ch = conn.channel()
    ch.queue_declare("alerts", durable=False, arguments={"x-max-length": 2, "x-overflow": "reject-publish"})
    ch.confirm_delivery()
    nacked = 0
    for i in range(4):
        try:
            ch.basic_publish("", "alerts", f"alert {i}".encode())
        except px.NackError:
            nacked += 1
    if nacked != 2:
        sys.exit(f"{nacked} publishes nacked, 2 expected")
    # A consumer that rejects what it cannot handle.
    msg = ch.basic_get("alerts")
    ch.basic_reject(msg[0].delivery_tag, requeue=False)
    conn.close()

    # A client that negotiates 2 s heartbeats and then stops serving its
    # socket: the broker closes the connection after two silent intervals.
    conn = pika.BlockingConnection(params(host, user, pw, name="stuck-worker"))
    conn.channel()
    time.sleep(7)
    try:
        conn.close()
    except Exception as e:  # the broker already dropped it
        print("expected:", type(e).__name__, e)


def main():
    sc, host, user, pw = sys.argv[1:5]
    {"healthy": healthy, "errors": errors}[sc](host, user, pw)


if __name__ == "__main__":
    main()

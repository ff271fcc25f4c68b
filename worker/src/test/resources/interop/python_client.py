#!/usr/bin/python3
"""A non-Java client of XAIChat Batch (Debian's python3-confluent-kafka, i.e. librdkafka).

usage: python_client.py BOOTSTRAP JOB_TOPIC REPLY_TOPIC STREAM_TOPIC
Submits two chat jobs and prints one JSON line per job with what came back:
  - "headers": Spring-style request/reply headers (kafka_replyTopic, kafka_correlationId), no reply_to in the body,
    stream: true with the chunks on STREAM_TOPIC (xaichat_stream_topic header);
  - "body": reply_to in the body, no headers at all, not streamed.
"""
import json
import sys
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, Producer

bootstrap, job_topic, reply_topic, stream_topic = sys.argv[1:5]


def job(job_id, stream, reply_to=None):
    j = {"schema_version": 1, "job_id": job_id, "kind": "chat",
         "created_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "cache": "bypass",
         "request": {"prompt": "Once upon a time", "max_tokens": 8, "temperature": 0, "stream": stream}}
    if reply_to:
        j["reply_to"] = reply_to
    return json.dumps(j).encode()


def headers(record):
    return {k: (v.decode() if v is not None else None) for k, v in (record.headers() or [])}


consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-" + uuid.uuid4().hex,
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe([reply_topic, stream_topic])
producer = Producer({"bootstrap.servers": bootstrap})

correlation = uuid.uuid4().hex
producer.produce(job_topic, key="py-headers", value=job("py-headers", True), headers=[
    ("kafka_replyTopic", reply_topic), ("kafka_correlationId", correlation), ("xaichat_stream_topic", stream_topic)])
producer.produce(job_topic, key="py-body", value=job("py-body", False, reply_to=reply_topic))
producer.flush(30)

seen = {"py-headers": {"chunks": [], "result": None}, "py-body": {"chunks": [], "result": None}}
deadline = time.time() + 90


def done():
    # Chunks and results are on different topics, fetched in no particular order: wait for the final chunk too.
    streamed = seen["py-headers"]["chunks"]
    return all(v["result"] is not None for v in seen.values()) and any(c["chunk"]["final"] for c in streamed)


while time.time() < deadline and not done():
    msg = consumer.poll(0.5)
    if msg is None or msg.error():
        continue
    h = headers(msg)
    entry = seen.get(msg.key().decode() if msg.key() else None)
    if entry is None:
        continue
    if h.get("xaichat_message") == "chunk":
        entry["chunks"].append({"topic": msg.topic(), "headers": h, "chunk": json.loads(msg.value())})
    else:
        entry["result"] = {"topic": msg.topic(), "headers": h, "result": json.loads(msg.value())}
consumer.close()

for job_id, entry in seen.items():
    print(json.dumps({"job_id": job_id, "correlation_sent": correlation if job_id == "py-headers" else None, **entry}))

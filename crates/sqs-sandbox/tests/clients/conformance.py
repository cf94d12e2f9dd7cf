"""SQS conformance scenarios run by boto3 against an endpoint: `python conformance.py URL [moto]`.

The same file runs under today's boto3 (SQS's JSON protocol) and a pinned older botocore whose
SQS model is the query (XML) protocol, so both wire protocols go through the same checks.
botocore checks MD5 digests of bodies and message attributes itself. It prints the protocol it
spoke and `conformance ok` at the end; any failed check exits non-zero with what differed.
"""

import json
import sys
import uuid

import boto3
from botocore.exceptions import ClientError

URL = sys.argv[1]
MOTO = len(sys.argv) > 2 and sys.argv[2] == "moto"
c = boto3.client("sqs", endpoint_url=URL, region_name="us-east-1",
                 aws_access_key_id="any", aws_secret_access_key="any")
RUN = uuid.uuid4().hex[:8]


def name(n):
    return f"{n}-{RUN}"


def code_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{fn.__name__} {kw} should have failed")


def code_is(got, *expected):
    if got not in expected:
        raise AssertionError(f"error code {got!r}, expected one of {expected}")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


# Send and receive with every attribute type; MD5s are verified by botocore.
q = c.create_queue(QueueName=name("attrs"), Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
body = "héllo <xml> & \"quotes\"\r\nsecond line \U0001F600"
sent = c.send_message(QueueUrl=q, MessageBody=body, MessageAttributes={
    "s": {"DataType": "String", "StringValue": "v & <w>"},
    "n": {"DataType": "Number.int", "StringValue": "7"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}})
check("MD5OfMessageAttributes" in sent and "MessageId" in sent, sent)
m = c.receive_message(QueueUrl=q, MessageAttributeNames=["All"], AttributeNames=["All"],
                      WaitTimeSeconds=1)["Messages"][0]
check(m["Body"] == body, f"body came back as {m['Body']!r}")
check(m["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01\xff", m)
check(m["MessageAttributes"]["s"]["StringValue"] == "v & <w>", m)
check(m["Attributes"]["ApproximateReceiveCount"] == "1", m)
check(int(m["Attributes"]["SentTimestamp"]) > 0, m)

# Visibility: in flight, hidden; back to visible at 0.
check(c.receive_message(QueueUrl=q).get("Messages", []) == [], "an in-flight message was received")
c.change_message_visibility(QueueUrl=q, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
again = c.receive_message(QueueUrl=q, WaitTimeSeconds=1)["Messages"][0]
check(again["MessageId"] == m["MessageId"], again)
c.delete_message(QueueUrl=q, ReceiptHandle=again["ReceiptHandle"])
attrs = c.get_queue_attributes(QueueUrl=q, AttributeNames=["All"])["Attributes"]
check(attrs["ApproximateNumberOfMessages"] == "0" and attrs["VisibilityTimeout"] == "30", attrs)

# Batches: per-entry failures beside successes.
res = c.send_message_batch(QueueUrl=q, Entries=[
    {"Id": "ok1", "MessageBody": "one"},
    {"Id": "ok2", "MessageBody": "two", "DelaySeconds": 0,
     "MessageAttributes": {"k": {"DataType": "String", "StringValue": "x"}}},
    {"Id": "bad", "MessageBody": "three", "DelaySeconds": 901},
])
check(sorted(e["Id"] for e in res["Successful"]) == ["ok1", "ok2"], res)
check([e["Id"] for e in res.get("Failed", [])] == ["bad"], res)
check(res["Failed"][0]["SenderFault"] is True, res)
check(code_of(c.send_message_batch, QueueUrl=q, Entries=[
    {"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}])
      in ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct"), "duplicate ids")
got = []
for _ in range(5):
    got += c.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    if len(got) >= 2:
        break
check(sorted(x["Body"] for x in got) == ["one", "two"], got)
d = c.delete_message_batch(QueueUrl=q, Entries=[
    {"Id": f"d{i}", "ReceiptHandle": x["ReceiptHandle"]} for i, x in enumerate(got)]
    + [{"Id": "stale", "ReceiptHandle": "not-a-handle"}])
check(len(d["Successful"]) == 2 and [e["Id"] for e in d["Failed"]] == ["stale"], d)
v = c.change_message_visibility_batch(QueueUrl=q, Entries=[
    {"Id": "x", "ReceiptHandle": "not-a-handle", "VisibilityTimeout": 5}])
check([e["Id"] for e in v["Failed"]] == ["x"], v)

# Dead-letter queue: one receive too many moves the message.
dlq = c.create_queue(QueueName=name("dlq"))["QueueUrl"]
dlq_arn = c.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
work = c.create_queue(QueueName=name("work"), Attributes={"RedrivePolicy": json.dumps(
    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})["QueueUrl"]
c.send_message(QueueUrl=work, MessageBody="poison")
first = c.receive_message(QueueUrl=work, VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"]
check(len(first) == 1, first)
check(c.receive_message(QueueUrl=work).get("Messages", []) == [], "the message stayed after maxReceiveCount")
dead = c.receive_message(QueueUrl=dlq, WaitTimeSeconds=1)["Messages"]
check([x["Body"] for x in dead] == ["poison"], dead)
sources = c.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
check([s.rsplit("/", 1)[1] for s in sources] == [name("work")], sources)

# FIFO: order within a group, deduplication, the group id rule.
f = c.create_queue(QueueName=name("order") + ".fifo", Attributes={
    "FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
sends = [c.send_message(QueueUrl=f, MessageBody=b, MessageGroupId="g") for b in ["1", "2", "3"]]
dup = c.send_message(QueueUrl=f, MessageBody="1", MessageGroupId="g")
if not MOTO:  # moto leaves SequenceNumber out and gives a duplicate a new id
    check(dup["MessageId"] == sends[0]["MessageId"], "a duplicate send returns the first message's id")
    check(len({s["SequenceNumber"] for s in sends}) == 3, sends)
got = [x["Body"] for x in c.receive_message(QueueUrl=f, MaxNumberOfMessages=10)["Messages"]]
check(got == ["1", "2", "3"], got)
check(code_of(c.send_message, QueueUrl=f, MessageBody="x") == "MissingParameter", "group id required")

# Errors by their query codes.
check(code_of(c.get_queue_url, QueueName=name("missing"))
      == "AWS.SimpleQueueService.NonExistentQueue", "missing queue")
check(code_of(c.create_queue, QueueName="bad name!") == "InvalidParameterValue", "bad name")
check(code_of(c.send_message, QueueUrl=q, MessageBody="x", DelaySeconds=901)
      == "InvalidParameterValue", "delay too long")
check(code_of(c.get_queue_attributes, QueueUrl=q, AttributeNames=["Nonsense"])
      in ("InvalidAttributeName",), "unknown attribute")
check(code_of(c.delete_message_batch, QueueUrl=q, Entries=[])
      in ("AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest"), "empty batch")
c.set_queue_attributes(QueueUrl=q, Attributes={"DelaySeconds": "2", "MaximumMessageSize": "2048"})
attrs = c.get_queue_attributes(QueueUrl=q, AttributeNames=["DelaySeconds", "MaximumMessageSize"])["Attributes"]
check(attrs == {"DelaySeconds": "2", "MaximumMessageSize": "2048"}, attrs)

# Tags.
c.tag_queue(QueueUrl=q, Tags={"team": "payments", "env": "dev"})
c.untag_queue(QueueUrl=q, TagKeys=["env"])
check(c.list_queue_tags(QueueUrl=q).get("Tags") == {"team": "payments"}, "tags")
tagged = c.create_queue(QueueName=name("tagged"), tags={"a": "1"})["QueueUrl"]
check(c.list_queue_tags(QueueUrl=tagged).get("Tags") == {"a": "1"}, "tags on create")

# Purge.
c.send_message(QueueUrl=tagged, MessageBody="gone")
c.purge_queue(QueueUrl=tagged)
check(c.get_queue_attributes(QueueUrl=tagged, AttributeNames=["ApproximateNumberOfMessages"])
      ["Attributes"]["ApproximateNumberOfMessages"] == "0", "purge")

# ListQueues paging with a prefix.
for i in range(7):
    c.create_queue(QueueName=f"pg{RUN}-{i}")
seen, token, pages = [], None, 0
while True:
    kw = {"QueueNamePrefix": f"pg{RUN}-", "MaxResults": 3}
    if token:
        kw["NextToken"] = token
    page = c.list_queues(**kw)
    seen += page.get("QueueUrls", [])
    pages += 1
    token = page.get("NextToken")
    if not token:
        break
check(len(seen) == 7 and len(set(seen)) == 7 and pages == 3, (len(seen), pages))

c.delete_queue(QueueUrl=tagged)
print("protocol", c.meta.service_model.protocol)
print("conformance ok")

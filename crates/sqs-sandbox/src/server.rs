//! The HTTP side: SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Op>`, JSON body; errors with
//! `__type` and the `x-amzn-query-error` header) and its query protocol (form body, XML answers,
//! through `query.rs`), both calling the one operation layer.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::error::{SqsError, SqsResult};
use crate::host_guard::HostGuard;
use crate::query;
use crate::request::Req;
use crate::sandbox::Sandbox;

/// Bodies above this are refused before parsing (a 1 MiB message plus JSON overhead fits).
const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;
const JSON_1_0: &str = "application/x-amz-json-1.0";
const XML: &str = "text/xml";

/// The query-protocol actions answered on GET: they read and change nothing. Any other action
/// sent on GET is refused, since a page's `<img>` or link makes the browser send a GET.
const READ_ONLY: &[&str] = &[
    "GetQueueUrl",
    "ListQueues",
    "GetQueueAttributes",
    "ListQueueTags",
    "ListDeadLetterSourceQueues",
    "ListMessageMoveTasks",
];

/// Builds the router: every request passes the host guard first.
pub fn router(sandbox: Arc<Sandbox>, guard: HostGuard) -> axum::Router {
    axum::Router::new()
        .fallback(handle)
        .with_state(Arc::new((sandbox, guard)))
}

/// Which of SQS's two wire protocols a request speaks; the answer is written in the same one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Json,
    Query,
}

impl Protocol {
    fn of(req: &Request) -> Protocol {
        let h = req.headers();
        let form = h
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        let action_in_url = req.uri().query().is_some_and(|q| q.contains("Action="));
        if form || (!h.contains_key("x-amz-target") && action_in_url) {
            Protocol::Query
        } else {
            Protocol::Json
        }
    }
}

async fn handle(State(state): State<Arc<(Arc<Sandbox>, HostGuard)>>, req: Request) -> Response {
    let (sb, guard) = &*state;
    let request_id = uuid::Uuid::new_v4().to_string();
    let protocol = Protocol::of(&req);
    let is_get = req.method() != Method::POST;
    let mut action = String::new();
    let result = match guard.refuse(req.headers()) {
        Some(why) => {
            tracing::warn!("refused: {why}");
            sb.count_refused();
            Err(SqsError::not_for_pages(why))
        }
        None => match read(req, protocol).await {
            Ok((op, _)) if is_get && !READ_ONLY.contains(&op.as_str()) => {
                sb.count_refused();
                Err(SqsError::not_for_pages(format!(
                    "{op} changes the sandbox, so it is answered only when sent with POST (a web page can make a browser send a GET)."
                )))
            }
            Ok((op, r)) => {
                tracing::debug!(%op, "request");
                let answer = call(sb, &op, &r).await;
                action = op;
                answer
            }
            Err(e) => Err(e),
        },
    };
    let (mut resp, content_type) = match (protocol, result) {
        (Protocol::Json, Ok(v)) => ((StatusCode::OK, v.to_string()).into_response(), JSON_1_0),
        (Protocol::Json, Err(e)) => (error_response(&e), JSON_1_0),
        (Protocol::Query, Ok(v)) => (
            (StatusCode::OK, query::response(&action, &v, &request_id)).into_response(),
            XML,
        ),
        (Protocol::Query, Err(e)) => (
            (status_of(&e), query::error(&e, &request_id)).into_response(),
            XML,
        ),
    };
    let h = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-amzn-requestid", v);
    }
    resp
}

fn status_of(e: &SqsError) -> StatusCode {
    StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST)
}

fn error_response(e: &SqsError) -> Response {
    let status = status_of(e);
    let body =
        json!({ "__type": format!("com.amazonaws.sqs#{}", e.type_name), "message": e.message });
    let mut resp = (status, body.to_string()).into_response();
    let fault = if e.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{};{fault}", e.legacy_code)) {
        resp.headers_mut().insert("x-amzn-query-error", v);
    }
    resp
}

fn operation(headers: &HeaderMap) -> SqsResult<String> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            SqsError::invalid_action(
                "(no X-Amz-Target header; this server speaks the SQS JSON protocol)",
            )
        })?;
    target
        .strip_prefix("AmazonSQS.")
        .map(str::to_string)
        .ok_or_else(|| SqsError::invalid_action(target))
}

/// Reads the operation's name and members, in whichever protocol the request speaks.
async fn read(req: Request, protocol: Protocol) -> SqsResult<(String, Req)> {
    if req.method() != Method::POST && protocol == Protocol::Json {
        return Err(SqsError::invalid_action("only POST is supported"));
    }
    let query_string = req.uri().query().unwrap_or("").to_string();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let op = match protocol {
        Protocol::Json => Some(operation(req.headers())?),
        Protocol::Query => None,
    };
    let body: Body = req.into_body();
    let bytes = to_bytes(body, MAX_REQUEST_BYTES).await.map_err(|_| {
        SqsError::invalid_parameter(format!(
            "The request is larger than {MAX_REQUEST_BYTES} bytes."
        ))
    })?;
    match op {
        None => query::decode(&query_string, &bytes),
        Some(op) => {
            if !content_type.starts_with("application/x-amz-json") {
                return Err(SqsError::unsupported(format!(
                    "Content-Type '{content_type}' is not supported: send the SQS JSON protocol ({JSON_1_0}) or the query protocol (application/x-www-form-urlencoded)."
                )));
            }
            Ok((op, Req::parse(&bytes)?))
        }
    }
}

/// The one operation layer both protocols call.
async fn call(sb: &Arc<Sandbox>, op: &str, r: &Req) -> SqsResult<Value> {
    match op {
        "CreateQueue" => sb.create_queue(r),
        "GetQueueUrl" => sb.get_queue_url(r),
        "ListQueues" => sb.list_queues(r),
        "GetQueueAttributes" => sb.get_queue_attributes(r),
        "SetQueueAttributes" => sb.set_queue_attributes(r),
        "DeleteQueue" => sb.delete_queue(r),
        "PurgeQueue" => sb.purge_queue(r),
        "TagQueue" => sb.tag_queue(r),
        "UntagQueue" => sb.untag_queue(r),
        "ListQueueTags" => sb.list_queue_tags(r),
        "AddPermission" => sb.add_permission(r),
        "RemovePermission" => sb.remove_permission(r),
        "SendMessage" => sb.send_message(r),
        "SendMessageBatch" => sb.send_message_batch(r),
        "ReceiveMessage" => sb.receive_message(r).await,
        "DeleteMessage" => sb.delete_message(r),
        "DeleteMessageBatch" => sb.delete_message_batch(r),
        "ChangeMessageVisibility" => sb.change_message_visibility(r),
        "ChangeMessageVisibilityBatch" => sb.change_message_visibility_batch(r),
        "ListDeadLetterSourceQueues" => sb.list_dead_letter_source_queues(r),
        "StartMessageMoveTask" => sb.start_message_move_task(r),
        "ListMessageMoveTasks" => sb.list_message_move_tasks(r),
        "CancelMessageMoveTask" => sb.cancel_message_move_task(r),
        other => Err(SqsError::invalid_action(other)),
    }
}

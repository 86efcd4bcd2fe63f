using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Commerce.Tests.Infrastructure;

/// <summary>One span as an OTLP exporter sent it; ids in lower-case hex, an empty parent for a root.</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    public override string ToString() => $"{Service}: {Name} (kind {Kind}, span {SpanId}, parent {(ParentSpanId.Length == 0 ? "none" : ParentSpanId)})";
}

/// <summary>
/// An OTLP/HTTP receiver on a free loopback port (<c>POST /v1/traces</c>, protobuf) that decodes the
/// spans it is sent. The protobuf reading covers exactly the fields of the OTLP trace messages it needs.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private KestrelApp _app = null!;

    public Uri Endpoint => _app.BaseAddress;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._app = await KestrelApp.StartAsync(_ => { }, app =>
        {
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                foreach (var span in Decode(body.ToArray()))
                {
                    receiver._spans.Enqueue(span);
                }

                return Results.Ok();
            });
            // Metrics and logs are accepted and not looked at.
            app.MapPost("/v1/metrics", () => Results.Ok());
            app.MapPost("/v1/logs", () => Results.Ok());
        });
        return receiver;
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1.</summary>
    public static IEnumerable<ReceivedSpan> Decode(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            // ResourceSpans: resource = 1 (attributes = 1), scope_spans = 2 (spans = 2).
            var resource = Fields(resourceSpans).Where(f => f.Field == 1)
                .SelectMany(f => Fields(f.Value).Where(a => a.Field == 1).Select(a => KeyValue(a.Value))).ToDictionary();
            var service = resource.GetValueOrDefault("service.name", "");
            foreach (var (_, scopeSpans) in Fields(resourceSpans).Where(f => f.Field == 2))
            {
                foreach (var (_, span) in Fields(scopeSpans).Where(f => f.Field == 2))
                {
                    yield return ReadSpan(service, span);
                }
            }
        }
    }

    /// <summary>Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, attributes = 9.</summary>
    private static ReceivedSpan ReadSpan(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        foreach (var (field, value) in Fields(span, onVarint: (f, v) => kind = f == 6 ? (int)v : kind))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(value); break;
                case 2: spanId = Convert.ToHexStringLower(value); break;
                case 4: parent = Convert.ToHexStringLower(value); break;
                case 5: name = Encoding.UTF8.GetString(value); break;
                case 9:
                    var (key, text) = KeyValue(value);
                    attributes[key] = text;
                    break;
            }
        }

        return new ReceivedSpan(service, traceId, spanId, parent, name, kind, attributes);
    }

    /// <summary>KeyValue: key = 1, value = 2 (AnyValue: string_value = 1; bool 2 and int 3 are varints).</summary>
    private static KeyValuePair<string, string> KeyValue(byte[] keyValue)
    {
        string key = "", text = "";
        foreach (var (field, value) in Fields(keyValue))
        {
            if (field == 1)
            {
                key = Encoding.UTF8.GetString(value);
            }
            else if (field == 2)
            {
                foreach (var (anyField, anyValue) in Fields(value, onVarint: (f, v) => text = f == 2 ? (v != 0).ToString() : v.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                {
                    if (anyField == 1)
                    {
                        text = Encoding.UTF8.GetString(anyValue);
                    }
                }
            }
        }

        return KeyValuePair.Create(key, text);
    }

    /// <summary>The length-delimited fields of a message; varints go to <paramref name="onVarint"/>, fixed ones are skipped.</summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message, Action<int, ulong>? onVarint = null)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: onVarint?.Invoke(field, ReadVarint(message, ref position)); break;
                case 1: position += 8; break;
                case 5: position += 4; break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    fields.Add((field, message[position..(position + length)]));
                    position += length;
                    break;
                default: throw new InvalidDataException($"Unexpected protobuf wire type {tag & 7} for field {field}.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

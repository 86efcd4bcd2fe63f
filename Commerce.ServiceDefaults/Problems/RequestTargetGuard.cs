using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Commerce.ServiceDefaults.Problems;

/// <summary>
/// Control characters never belong in what a client sends: PostgreSQL refuses U+0000 in text
/// outright (a 500 if it gets that far), and the others only hide text from the people who read
/// it. They are refused as a 400 at the door: in the path and query by
/// <see cref="RequestTargetGuard"/>, in JSON strings by <see cref="StrictStringConverter"/>.
/// </summary>
public static class ControlCharacters
{
    /// <summary>In a query or path: every control character. In JSON text: all but tab, line feed and carriage return.</summary>
    public static bool AnyIn(ReadOnlySpan<char> text, bool allowLineBreaks = false)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How to name the first control character in a message (U+0000 style), so the client sees what to remove.</summary>
    public static string First(ReadOnlySpan<char> text, bool allowLineBreaks = false)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return $"U+{(int)c:X4}";
            }
        }

        return "none";
    }
}

/// <summary>
/// Refuses, with a 400 ProblemDetails before any endpoint runs, a request whose path or query holds
/// a control character, or whose query names a parameter twice (binding would join or pick one of
/// the values, so what the client meant is unknowable; no client of ours repeats one).
/// </summary>
public sealed class RequestTargetGuard(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (Offending(context.Request) is { } where)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Malformed request target",
                    Detail = where,
                },
            });
            return;
        }

        await next(context);
    }

    private static string? Offending(HttpRequest request)
    {
        if (ControlCharacters.AnyIn(request.Path.Value))
        {
            return "The path contains a control character; remove it and try again.";
        }

        foreach (var (key, values) in request.Query)
        {
            if (ControlCharacters.AnyIn(key))
            {
                return "A query parameter name contains a control character; remove it and try again.";
            }

            var name = key.Length > 40 ? key[..40] + "…" : key;
            if (values.Count > 1)
            {
                return $"The query parameter '{name}' is given {values.Count} times; send it once.";
            }

            if (ControlCharacters.AnyIn(values.ToString()))
            {
                return $"The query parameter '{name}' contains a control character; remove it and try again.";
            }
        }

        return null;
    }
}

/// <summary>
/// Reads JSON strings as System.Text.Json does, and refuses control characters other than tab and
/// line breaks; the binding failure becomes a 400 that names the field.
/// </summary>
public sealed class StrictStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, found {reader.TokenType}.");
        }

        var value = reader.GetString();
        if (value is not null && ControlCharacters.AnyIn(value, allowLineBreaks: true))
        {
            throw new JsonException($"The text contains the control character {ControlCharacters.First(value, allowLineBreaks: true)}; remove it.");
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } name && !ControlCharacters.AnyIn(name)
            ? name
            : throw new JsonException("A property name contains a control character; remove it.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

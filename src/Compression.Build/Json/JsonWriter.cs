using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Compression.Build.Json;

/// <summary>
/// A minimal forward-only JSON writer. The task must not depend on System.Text.Json: Visual Studio's .NET Framework
/// MSBuild binds its own copy, and a task that brings another version fails to load there. The request is small and
/// flat, so a writer of strings, numbers, booleans, objects and arrays is all it needs.
/// </summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _text = new StringBuilder();
    // One entry per open container: whether it already holds a value (a comma is due before the next one).
    private readonly Stack<bool> _hasValue = new Stack<bool>();
    private bool _afterName;

    public JsonWriter StartObject() => Open('{');

    public JsonWriter EndObject() => Close('}');

    public JsonWriter StartArray() => Open('[');

    public JsonWriter EndArray() => Close(']');

    public JsonWriter Name(string name)
    {
        if (name is null) throw new ArgumentNullException(nameof(name));
        BeforeValue();
        AppendString(name);
        _text.Append(':');
        _afterName = true;
        return this;
    }

    public JsonWriter Value(string value)
    {
        if (value is null) throw new ArgumentNullException(nameof(value));
        BeforeValue();
        AppendString(value);
        return this;
    }

    public JsonWriter Value(long value)
    {
        BeforeValue();
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonWriter Value(bool value)
    {
        BeforeValue();
        _text.Append(value ? "true" : "false");
        return this;
    }

    /// <summary>Writes <c>"name": "value"</c>.</summary>
    public JsonWriter Property(string name, string value) => Name(name).Value(value);

    /// <summary>Writes <c>"name": true|false</c>.</summary>
    public JsonWriter Property(string name, bool value) => Name(name).Value(value);

    /// <summary>Writes <c>"name": number</c>.</summary>
    public JsonWriter Property(string name, long value) => Name(name).Value(value);

    /// <summary>The document; throws while a container is still open, so a half-written request never reaches the engine.</summary>
    public override string ToString()
    {
        if (_hasValue.Count != 0) throw new InvalidOperationException("The JSON document has unclosed objects or arrays.");
        return _text.ToString();
    }

    private JsonWriter Open(char bracket)
    {
        BeforeValue();
        _text.Append(bracket);
        _hasValue.Push(false);
        return this;
    }

    private JsonWriter Close(char bracket)
    {
        if (_hasValue.Count == 0 || _afterName) throw new InvalidOperationException($"Unbalanced '{bracket}'.");
        _hasValue.Pop();
        _text.Append(bracket);
        return this;
    }

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        if (_hasValue.Count == 0)
        {
            if (_text.Length != 0) throw new InvalidOperationException("A JSON document holds exactly one top-level value.");
            return;
        }
        if (_hasValue.Peek()) _text.Append(',');
        _hasValue.Pop();
        _hasValue.Push(true);
    }

    private void AppendString(string value)
    {
        _text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                default:
                    // Other control characters must be escaped; everything else (non-ASCII too) goes out as UTF-8.
                    if (c < 0x20) _text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else _text.Append(c);
                    break;
            }
        }
        _text.Append('"');
    }
}

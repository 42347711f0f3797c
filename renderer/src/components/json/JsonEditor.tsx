import { json, jsonParseLinter } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { useEffect, useImperativeHandle, useRef } from 'react';

import type { CatalogSpecType } from '../../../../shared/control-plane-rows.js';
import { pointerRange } from './json-pointer-ranges.js';
import { checkSpecText } from './json-spec-issues.js';

/** A problem found elsewhere (a publication's draft error) at a place in the spec. */
export interface EditorIssue {
  readonly pointer: string;
  readonly message: string;
}

/** What a parent may do with the editor: jump to the place an error names. */
export interface JsonEditorHandle {
  focusPointer: (pointer: string) => void;
}

// Colours from the theme's variables, so light and dark themes both read well.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: tags.string, color: 'var(--good)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--warn)' },
  { tag: tags.invalid, color: 'var(--bad)' },
]);

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--panel)', color: 'var(--text)', fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)',
  },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'color-mix(in srgb, var(--accent) 25%, transparent)',
  },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
});

const syntaxLinter = jsonParseLinter();

/**
 * Syntax errors, else the schema problems of the spec type and the catalog checks' problems, plus the issues a
 * publication reported.
 */
function specLinter(
  specType: CatalogSpecType | null,
  extra: readonly EditorIssue[],
  catalog: readonly EditorIssue[],
) {
  return linter(
    (view): Diagnostic[] => {
      const syntax = syntaxLinter(view);
      if (syntax.length > 0) return syntax.map((d) => ({ ...d, message: `JSON syntax: ${d.message}` }));
      const text = view.state.doc.toString();
      const place = (pointer: string): { from: number; to: number } => pointerRange(text, pointer);
      return [
        ...checkSpecText(text, specType).issues.map((i): Diagnostic => ({
          ...place(i.pointer),
          severity: 'error',
          source: 'schema',
          message: i.message,
        })),
        ...catalog.map((i): Diagnostic => ({
          ...place(i.pointer),
          severity: 'error',
          source: 'Flow Desktop checks',
          message: i.message,
        })),
        ...extra.map((i): Diagnostic => ({
          ...place(i.pointer),
          severity: 'warning',
          source: 'last publication',
          message: i.message,
        })),
      ];
    },
    { delay: 200 },
  );
}

/**
 * A CodeMirror 6 JSON editor that marks syntax errors and, for a spec type, every problem the shared catalog
 * schema finds, as you type (underlined, in the gutter, and on hover). `value` replaces the text when it
 * changes from outside (load, revert); edits are reported through `onChange`.
 */
export function JsonEditor(props: {
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly specType: CatalogSpecType | null;
  /** Issues reported by the last publication, shown while the text is the one they were about. */
  readonly extraIssues?: readonly EditorIssue[];
  /** Problems the catalog checks find in the text as typed (shown as errors). */
  readonly catalogIssues?: readonly EditorIssue[];
  readonly label: string;
  readonly readOnly?: boolean;
  readonly ref?: React.Ref<JsonEditorHandle>;
}): React.JSX.Element {
  const { value, onChange, specType, extraIssues, catalogIssues, label, readOnly = false, ref } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const lint = useRef(new Compartment());
  const editable = useRef(new Compartment());
  // The first render's props build the editor; later changes are applied by the effects below.
  const initial = useRef({ value, specType, extraIssues, catalogIssues, readOnly, label });

  useEffect(() => {
    const first = initial.current;
    const editor = new EditorView({
      parent: host.current ?? undefined,
      state: EditorState.create({
        doc: first.value,
        extensions: [
          basicSetup,
          json(),
          syntaxHighlighting(highlight),
          theme,
          lintGutter(),
          lint.current.of(specLinter(first.specType, first.extraIssues ?? [], first.catalogIssues ?? [])),
          editable.current.of(EditorState.readOnly.of(first.readOnly)),
          EditorView.contentAttributes.of({
            'aria-label': first.label,
            'data-testid': 'json-editor-content',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.dispatch({
      effects: lint.current.reconfigure(specLinter(specType, extraIssues ?? [], catalogIssues ?? [])),
    });
  }, [specType, extraIssues, catalogIssues]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure(EditorState.readOnly.of(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useImperativeHandle(
    ref,
    () => ({
      focusPointer: (pointer) => {
        const editor = view.current;
        if (!editor) return;
        let range = { from: 0, to: 0 };
        try {
          range = pointerRange(editor.state.doc.toString(), pointer);
        } catch {
          // Text that no longer parses: the start of the document will do.
        }
        editor.dispatch({
          selection: { anchor: range.from, head: range.to },
          effects: EditorView.scrollIntoView(range.from, { y: 'center' }),
        });
        editor.focus();
      },
    }),
    [],
  );

  return <div ref={host} className="json-editor" data-testid="json-editor" />;
}

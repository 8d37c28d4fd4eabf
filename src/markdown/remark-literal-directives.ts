// Runs after our directive plugins: any directive left is not ours (":smile:",
// "::foo", the ":30" of a time written oddly...), so it goes back to being the
// text it was written as.
import type { Paragraph, Root, Text } from 'mdast';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

export default function remarkLiteralDirectives() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    visit(tree, (node, index, parent) => {
      if (!parent || index === undefined) return;
      if (node.type !== 'textDirective' && node.type !== 'leafDirective' && node.type !== 'containerDirective') return;
      const { start, end } = node.position ?? {};
      const value =
        start?.offset !== undefined && end?.offset !== undefined
          ? source.slice(start.offset, end.offset)
          : `:${node.name}`;
      const text: Text = { type: 'text', value };
      const replacement: Text | Paragraph = node.type === 'textDirective' ? text : { type: 'paragraph', children: [text] };
      // A text directive sits among phrasing content, the others among blocks,
      // so the replacement fits its parent; TypeScript cannot see that.
      parent.children.splice(index, 1, replacement as (typeof parent.children)[number]);
      return [SKIP, index + 1];
    });
  };
}

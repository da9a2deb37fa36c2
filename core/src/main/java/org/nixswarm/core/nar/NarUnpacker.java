package org.nixswarm.core.nar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import org.nixswarm.core.FormatException;

/**
 * Unpacks NAR events into a new tree on disk, like {@code nix-store --restore}. It never writes
 * through a symlink or outside the target: every file, directory and link is created with
 * "must not exist" semantics (O_EXCL, which does not follow a symlink), inside directories it
 * created itself, and the reader guarantees valid, unique names. Executable files get the execute
 * bits for everyone, as Nix does.
 *
 * <p>By default symlinks must also stay inside the tree (a later reader that follows them stays
 * inside): relative targets only, whose leading {@code ..} segments do not climb above the
 * unpacked root and with no {@code ..} after a normal segment (so that a link through another
 * link cannot climb further), and the root itself may not be a symlink. Store paths hold absolute
 * links into /nix/store all the time: {@link #allowingAnySymlinkTarget()} writes every target as
 * data (still never following it).
 */
public final class NarUnpacker implements NarSink {
    private static final Set<PosixFilePermission> EXEC = EnumSet.of(
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path root;
    private final boolean confineSymlinks;
    private final Deque<Path> dirs = new ArrayDeque<>();
    private Path next;

    private NarUnpacker(Path root, boolean confineSymlinks) {
        this.root = root;
        this.confineSymlinks = confineSymlinks;
        this.next = root;
    }

    /** Unpacks to {@code target}, which must not exist; its parent must. Symlinks must stay inside. */
    public static NarUnpacker to(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) throw new IOException("cannot unpack to " + abs + ": it exists");
        if (abs.getParent() == null || !Files.isDirectory(abs.getParent())) {
            throw new IOException("cannot unpack to " + abs + ": its parent is not a directory");
        }
        return new NarUnpacker(abs, true);
    }

    /** The same unpacker, but symlink targets are written as they are (absolute or escaping). */
    public NarUnpacker allowingAnySymlinkTarget() {
        return new NarUnpacker(root, false);
    }

    @Override
    public void regular(boolean executable, long size, InputStream contents) throws IOException {
        Path p = take();
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            contents.transferTo(out);
        }
        if (executable) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            perms.addAll(EXEC);
            Files.setPosixFilePermissions(p, perms);
        }
    }

    @Override
    public void symlink(byte[] target) throws IOException {
        if (confineSymlinks) checkConfined(target);
        Path p = take();
        Files.createSymbolicLink(p, Path.of(javaName(target, "symlink target")));
    }

    @Override
    public void startDirectory() throws IOException {
        Path p = take();
        Files.createDirectory(p);
        dirs.push(p);
    }

    @Override
    public void entry(byte[] name) throws IOException {
        next = dirs.element().resolve(javaName(name, "file name"));
    }

    @Override
    public void endEntry() {}

    @Override
    public void endDirectory() {
        dirs.pop();
    }

    private Path take() {
        Path p = next;
        if (p == null) throw new IllegalStateException("a node where none is expected");
        next = null;
        return p;
    }

    private void checkConfined(byte[] target) {
        String where = next == root ? "the NAR's root" : "'" + root.relativize(next) + "'";
        if (dirs.isEmpty()) {
            throw new FormatException("the NAR's root is a symlink, which points outside the unpacked tree"
                    + " (unpack with any symlink target allowed to keep it)");
        }
        String t = NarNames.show(target);
        if (target[0] == '/') throw new FormatException("symlink " + where + " has the absolute target '" + t + "'");
        int depth = dirs.size() - 1; // directories between the root and the link
        boolean normalSeen = false;
        int start = 0;
        for (int i = 0; i <= target.length; i++) {
            if (i < target.length && target[i] != '/') continue;
            int len = i - start;
            boolean dot = len == 1 && target[start] == '.';
            boolean dotdot = len == 2 && target[start] == '.' && target[start + 1] == '.';
            if (dotdot) {
                if (normalSeen) throw new FormatException("symlink " + where + " -> '" + t + "' has '..' after a name");
                if (--depth < 0) throw new FormatException("symlink " + where + " -> '" + t + "' points outside the unpacked tree");
            } else if (len > 0 && !dot) {
                normalSeen = true;
            }
            start = i + 1;
        }
    }

    /** A name the JVM cannot write exactly is a property of the NAR (untrusted), not an I/O failure. */
    private static String javaName(byte[] name, String what) {
        if (!FileNames.representable(name)) {
            throw new FormatException("cannot unpack the " + what + " '" + NarNames.show(name)
                    + "': it is not valid in the file-name encoding " + FileNames.CHARSET);
        }
        return FileNames.string(name);
    }
}

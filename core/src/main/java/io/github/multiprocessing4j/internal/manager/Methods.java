package io.github.multiprocessing4j.internal.manager;

/** The methods of a manager's dicts, lists and namespaces, by number on the wire. */
final class Methods {

    static final int SIZE = 1;
    static final int CLEAR = 2;
    /** A copy of the whole object: a LinkedHashMap for a dict or a namespace, an ArrayList for a list. */
    static final int SNAPSHOT = 3;
    static final int GET = 4;
    static final int GET_OR_DEFAULT = 5;
    static final int PUT = 6;
    static final int REMOVE = 7;
    static final int CONTAINS_KEY = 8;
    static final int CONTAINS_VALUE = 9;
    static final int PUT_ALL = 10;
    static final int PUT_IF_ABSENT = 11;
    static final int REMOVE_IF_EQUAL = 12;
    static final int REPLACE = 13;
    static final int REPLACE_IF_EQUAL = 14;
    static final int SET = 20;
    static final int ADD = 21;
    static final int ADD_AT = 22;
    static final int REMOVE_AT = 23;
    static final int REMOVE_RANGE = 24;
    static final int INDEX_OF = 25;
    static final int LAST_INDEX_OF = 26;
    static final int CONTAINS = 27;
    static final int CONTAINS_ALL = 28;
    static final int ADD_ALL = 29;
    static final int ADD_ALL_AT = 30;
    static final int REMOVE_ALL = 31;
    static final int RETAIN_ALL = 32;
    static final int REMOVE_IF = 33;
    static final int SORT = 34;
    static final int REPLACE_ALL = 35;

    private Methods() {
    }
}
